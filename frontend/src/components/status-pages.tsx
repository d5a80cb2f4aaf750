import { Button, Stack, Text, Title } from "@mantine/core";
import { IconHourglassHigh, IconMapOff } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link, useRouteError } from "react-router";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack align="center" py="xl">
      <IconMapOff size={48} color="var(--mantine-color-gray-5)" aria-hidden />
      <Title order={1} size="h2">
        {t("common.notFound")}
      </Title>
      <Text c="dimmed">{t("common.notFoundHint")}</Text>
      <Button component={Link} to="/" variant="light">
        {t("common.home")}
      </Button>
    </Stack>
  );
}

/** A domain on the roadmap: the navigation shows it, the page says it is coming. */
export function ComingSoonPage({ name }: { name: string }) {
  const { t } = useTranslation();
  return (
    <Stack align="center" py="xl">
      <IconHourglassHigh size={48} color="var(--mantine-color-gray-5)" aria-hidden />
      <Title order={1} size="h2">
        {t(`nav.${name}`)}
      </Title>
      <Text c="dimmed">{t("common.comingSoon")}</Text>
    </Stack>
  );
}

/** What a route shows when rendering it threw. */
export function RouteErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Stack align="center" py="xl" role="alert">
      <Title order={1} size="h2">
        {t("errors.title")}
      </Title>
      <Text c="dimmed">{error instanceof Error ? error.message : t("errors.unexpected")}</Text>
      <Button onClick={() => window.location.reload()} variant="light">
        {t("common.reload")}
      </Button>
    </Stack>
  );
}
