import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { EmptyState } from "../../components/empty-state";

/** The slot for the CSV import wizard (route /customers/import); the wizard replaces this page. */
export function CustomerImportPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t("customers.importTitle")}
      </Title>
      <Text c="dimmed">{t("customers.importIntro")}</Text>
      <EmptyState title={t("common.comingSoon")} />
    </Stack>
  );
}
