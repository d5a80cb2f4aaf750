// The caller's recent imports (GET /imports), each opening its report or progress.
import { Anchor, Badge, Paper, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { ListSkeleton } from "../../components/skeletons";
import { useFormat } from "../../lib/use-format";
import { ImportStatusBadge } from "./import-progress";
import { useRecentImports } from "./queries";

export function ImportHistory() {
  const { t } = useTranslation();
  const format = useFormat();
  const imports = useRecentImports();

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={t("imports.history.title")}>
      <Title order={2} size="h4" mb="sm">
        {t("imports.history.title")}
      </Title>
      {imports.isPending ? (
        <ListSkeleton rows={3} />
      ) : !imports.data?.length ? (
        <Text c="dimmed" size="sm">
          {t("imports.history.none")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" aria-label={t("imports.history.title")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("imports.history.file")}</Table.Th>
                <Table.Th>{t("imports.history.when")}</Table.Th>
                <Table.Th>{t("imports.history.kind")}</Table.Th>
                <Table.Th>{t("imports.history.status")}</Table.Th>
                <Table.Th>{t("imports.history.result")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {imports.data.map((job) => (
                <Table.Tr key={job.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/customers/import?${job.dry_run ? "dry" : "run"}=${job.id}`}>
                      <bdi>{job.filename}</bdi>
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="nowrap">{format.dateTime(job.created_at)}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color={job.dry_run ? "gray" : "indigo"}>
                      {job.dry_run ? t("imports.history.dryRun") : t("imports.history.real")}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <ImportStatusBadge job={job} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {t("imports.history.counts", {
                        created: format.number(job.created_count),
                        updated: format.number(job.updated_count),
                        skipped: format.number(job.skipped_count),
                        failed: format.number(job.error_count),
                      })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
