// An import's progress and counters as text and a progress bar, in the viewer's digits.
import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";
import { type ImportRead, type ImportStatus, isFinal, progressPercent } from "./import-status";

const STATUS_COLOR: Record<ImportStatus, string> = {
  pending: "gray",
  running: "blue",
  completed: "green",
  failed: "red",
  cancelled: "orange",
};

export function ImportStatusBadge({ job }: { job: Pick<ImportRead, "status" | "dry_run"> }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[job.status]} variant="light">
      {t(`imports.status.${job.status}`)}
    </Badge>
  );
}

/** The progress bar, labelled for assistive technology with the rows processed. */
export function ImportProgressBar({ job, label }: { job: ImportRead; label: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const pct = progressPercent(job);
  const running = !isFinal(job.status);
  const text =
    job.total_rows === null
      ? t("imports.progress.waiting")
      : t("imports.progress.rows", { processed: format.number(job.processed_rows), total: format.number(job.total_rows) });
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {text}
        </Text>
        <Text size="sm" fw={700}>
          {t("imports.progress.percent", { percent: format.number(pct) })}
        </Text>
      </Group>
      <Progress.Root size="xl" radius="md">
        <Progress.Section
          value={pct}
          withAria={false}
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-valuetext={`${t("imports.progress.percent", { percent: format.number(pct) })} — ${text}`}
          color={job.status === "failed" ? "red" : job.status === "cancelled" ? "orange" : job.status === "completed" ? "green" : "indigo"}
          striped={running}
          animated={running}
        />
      </Progress.Root>
    </Stack>
  );
}

/** Created / updated / skipped / failed as labelled numbers (a dry run says what would happen). */
export function ImportCounters({ job }: { job: ImportRead }) {
  const { t } = useTranslation();
  const format = useFormat();
  const prefix = job.dry_run ? "imports.counters.would" : "imports.counters.did";
  const items = [
    { key: "total", value: job.total_rows ?? 0, color: "dark" },
    { key: "created", value: job.created_count, color: "green" },
    { key: "updated", value: job.updated_count, color: "blue" },
    { key: "skipped", value: job.skipped_count, color: "gray" },
    { key: "failed", value: job.error_count, color: job.error_count ? "red" : "dark" },
  ] as const;
  return (
    <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" component="dl" aria-label={t("imports.counters.label")} m={0}>
      {items.map((item) => (
        <Paper key={item.key} withBorder radius="md" p="sm">
          <Text component="dt" size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t(`${prefix}.${item.key}`)}
          </Text>
          <Text component="dd" m={0} size="xl" fw={700} c={item.color} data-testid={`import-count-${item.key}`}>
            {format.number(item.value)}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
