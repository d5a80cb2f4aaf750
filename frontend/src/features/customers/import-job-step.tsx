// Steps 3 and 4 of the import: the dry run's report (what would happen and every refused row), then
// the real import with its progress read live until it finishes or fails.
import { Alert, Button, Group, Paper, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconArrowBack, IconCircleCheck, IconDatabaseImport, IconPlayerStop, IconUsers } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { ApiError } from "../../api/problem";
import { serverText } from "../../lib/server-messages";
import { useFormat } from "../../lib/use-format";
import { ImportErrorsTable } from "./import-errors-table";
import { ImportCounters, ImportProgressBar, ImportStatusBadge } from "./import-progress";
import { isFinal } from "./import-status";
import { useCancelImport, useImport, useRunImport } from "./queries";

interface Props {
  importId: string;
  /** The dry run's "change the mapping" (only while the file is still in the page). */
  onBack: (() => void) | null;
  onRun: (realImportId: string) => void;
  onRestart: () => void;
}

export function ImportJobStep({ importId, onBack, onRun, onRestart }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useImport(importId);
  const run = useRunImport();
  const cancel = useCancelImport();

  if (query.isPending) return <Skeleton height={160} aria-label={t("common.loading")} />;
  if (query.isError) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return (
      <Alert color="red" role="alert" title={gone ? t("imports.job.notFound") : t("errors.title")}>
        <Button size="xs" variant="light" onClick={onRestart}>
          {t("imports.job.restart")}
        </Button>
      </Alert>
    );
  }
  const job = query.data;
  const over = isFinal(job.status);
  const dry = job.dry_run;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {dry ? t("imports.job.checkTitle") : t("imports.job.runTitle")}
        </Title>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            <bdi>{job.filename}</bdi>
          </Text>
          <ImportStatusBadge job={job} />
        </Group>
      </Group>

      <ImportProgressBar job={job} label={dry ? t("imports.progress.checkLabel") : t("imports.progress.label")} />
      <ImportCounters job={job} />

      {job.status === "failed" ? (
        <Alert color="red" role="alert" title={dry ? t("imports.job.checkFailed") : t("imports.job.failed")}>
          {serverText(job.error) ?? t("errors.unexpected")}
        </Alert>
      ) : job.status === "cancelled" ? (
        <Alert color="orange" role="status" title={t("imports.job.cancelled")}>
          {t("imports.job.cancelledHint")}
        </Alert>
      ) : job.status === "completed" ? (
        <Alert color={job.error_count ? "yellow" : "green"} role="status" icon={<IconCircleCheck size={20} />}
          title={dry ? t("imports.job.checked") : t("imports.job.finished")}
        >
          {t(dry ? "imports.job.checkedSummary" : "imports.job.finishedSummary", {
            created: format.number(job.created_count),
            updated: format.number(job.updated_count),
            skipped: format.number(job.skipped_count),
            failed: format.number(job.error_count),
          })}
        </Alert>
      ) : null}

      {over && job.error_count > 0 ? (
        <Paper withBorder radius="md" p="md" component="section" aria-label={t("imports.errors.title")}>
          <Title order={3} size="h5" mb="sm">
            {t("imports.errors.title")}
          </Title>
          <ImportErrorsTable importId={job.id} mapping={job.mapping} />
        </Paper>
      ) : null}

      <Group justify="space-between">
        {dry ? (
          <>
            {onBack ? (
              <Button variant="default" leftSection={<IconArrowBack size={16} />} onClick={onBack}>
                {t("imports.job.changeMapping")}
              </Button>
            ) : (
              <Button variant="default" onClick={onRestart}>
                {t("imports.job.restart")}
              </Button>
            )}
            <Button
              leftSection={<IconDatabaseImport size={16} />}
              disabled={job.status !== "completed"}
              loading={run.isPending}
              onClick={() => run.mutate(job.id, { onSuccess: (real) => onRun(real.id) })}
            >
              {t("imports.job.runForReal")}
            </Button>
          </>
        ) : over ? (
          <>
            <Button variant="default" onClick={onRestart}>
              {t("imports.job.another")}
            </Button>
            <Button component={Link} to="/customers" leftSection={<IconUsers size={16} />}>
              {t("imports.job.toList")}
            </Button>
          </>
        ) : (
          <Button
            variant="default"
            color="red"
            leftSection={<IconPlayerStop size={16} />}
            loading={cancel.isPending}
            onClick={() => cancel.mutate(job.id)}
          >
            {t("imports.job.cancel")}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
