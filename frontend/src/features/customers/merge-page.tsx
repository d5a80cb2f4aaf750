// Duplicates of a customer (route /customers/:customerId/duplicates): the API's suggested twins with
// what they share, and merging one of them: pick which record stays, see what moves, confirm.
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { IconArrowBack, IconGitMerge } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";

import { EmptyState } from "../../components/empty-state";
import { ListSkeleton, PageSkeleton } from "../../components/skeletons";
import { LoadFailure } from "../../components/status-pages";
import { useCan } from "../../api/me";
import { useFormat } from "../../lib/use-format";
import { MergePanel } from "./merge-panel";
import { useCustomer, useDuplicates } from "./queries";
import { StageBadge } from "./stage-badge";

export function CustomerMergePage() {
  const { customerId = "" } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const otherId = params.get("with");
  const customer = useCustomer(customerId);
  const duplicates = useDuplicates(customerId);
  const canWrite = useCan("customers:write");

  if (customer.isPending) return <PageSkeleton />;
  if (customer.isError) return <LoadFailure error={customer.error} onRetry={() => void customer.refetch()} />;
  const current = customer.data.data;

  return (
    <Stack gap="md">
      <div>
        <Anchor component={Link} to={`/customers/${current.id}`} size="sm">
          <Group gap={4} component="span">
            <IconArrowBack size={14} aria-hidden />
            {t("merge.backTo", { name: current.display_name })}
          </Group>
        </Anchor>
        <Title order={1} size="h2">
          {t("merge.title", { name: current.display_name })}
        </Title>
        <Text c="dimmed">{t("merge.intro")}</Text>
      </div>

      <Paper withBorder radius="md" p="md" component="section" aria-label={t("merge.suggestions")}>
        <Title order={2} size="h4" mb="sm">
          {t("merge.suggestions")}
        </Title>
        {duplicates.isPending ? (
          <ListSkeleton rows={3} />
        ) : duplicates.isError ? (
          <Text c="red">{t("merge.failed")}</Text>
        ) : !duplicates.data.length ? (
          <EmptyState title={t("merge.none")} hint={t("merge.noneHint")} />
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs" highlightOnHover aria-label={t("merge.suggestions")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("customers.fields.name")}</Table.Th>
                  <Table.Th>{t("merge.shares")}</Table.Th>
                  <Table.Th>{t("customers.fields.stage")}</Table.Th>
                  <Table.Th>{t("customers.fields.contact")}</Table.Th>
                  <Table.Th>{t("customers.fields.created")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {duplicates.data.map(({ customer: twin, reasons }) => (
                  <Table.Tr key={twin.id} {...(twin.id === otherId ? { bg: "var(--mantine-color-indigo-light)" } : {})}>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${twin.id}`} fw={500}>
                        {twin.display_name}
                      </Anchor>
                      {twin.kind !== current.kind ? (
                        <Text size="xs" c="dimmed">
                          {t(`kinds.${twin.kind}`)}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {reasons.map((r) => (
                          <Badge key={r} size="sm" variant="light" color={r === "name" ? "gray" : "orange"}>
                            {t(`merge.reasons.${r}`)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <StageBadge stage={twin.stage} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" className="ltr" truncate maw={240}>
                        {twin.primary_email ?? ""}
                      </Text>
                      {twin.primary_phone ? (
                        <Text size="xs" c="dimmed" className="ltr">
                          {format.digits(twin.primary_phone)}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td className="nowrap">{format.instantDate(twin.created_at)}</Table.Td>
                    <Table.Td>
                      {canWrite ? (
                        <Button
                          size="xs"
                          variant={twin.id === otherId ? "filled" : "light"}
                          leftSection={<IconGitMerge size={14} />}
                          aria-label={t("merge.compareWith", { name: twin.display_name })}
                          aria-pressed={twin.id === otherId}
                          onClick={() => setParams({ with: twin.id }, { replace: true })}
                        >
                          {t("merge.compare")}
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      {otherId && canWrite ? (
        <MergePanel key={otherId} current={customer.data} otherId={otherId} onDone={() => setParams({}, { replace: true })} />
      ) : null}
    </Stack>
  );
}
