import { Skeleton, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** Placeholder rows while a list loads. */
export function ListSkeleton({ rows = 8 }: { rows?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" aria-busy="true" aria-label={t("common.loading")}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={36} radius="sm" />
      ))}
    </Stack>
  );
}

/** Placeholder for a record page while it loads. */
export function PageSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" aria-busy="true" aria-label={t("common.loading")}>
      <Skeleton height={32} width="40%" radius="sm" />
      <Skeleton height={18} width="60%" radius="sm" />
      <Skeleton height={160} radius="md" />
      <Skeleton height={120} radius="md" />
    </Stack>
  );
}
