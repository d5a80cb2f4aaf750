import { Alert, Button, Stack, Text, Title } from "@mantine/core";
import { IconHourglassHigh, IconMapOff } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link, useRouteError } from "react-router";

import { ApiError } from "../api/problem";
import { serverText } from "../lib/server-messages";
import { describeError } from "./notify";

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

/** A record that failed to load: "not found" for a 404 (also what another team's record answers),
 * otherwise the error with a retry button. */
export function LoadFailure({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 404) return <NotFoundPage />;
  return (
    <Alert color="red" title={t("errors.title")} role="alert">
      <Button size="xs" variant="light" onClick={onRetry}>
        {t("common.retry")}
      </Button>
    </Alert>
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
      <Text c="dimmed">
        {error instanceof ApiError
          ? describeError(error).message
          : (error instanceof Error && serverText(error.message)) || t("errors.unexpected")}
      </Text>
      <Button onClick={() => window.location.reload()} variant="light">
        {t("common.reload")}
      </Button>
    </Stack>
  );
}
