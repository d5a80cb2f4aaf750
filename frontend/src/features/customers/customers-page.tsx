import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { IconFileImport, IconPlus } from "@tabler/icons-react";
import { useCallback, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useCan } from "../../api/me";
import { EmptyState } from "../../components/empty-state";
import { LoadMore } from "../../components/load-more";
import { ListSkeleton } from "../../components/skeletons";
import { useFormat } from "../../lib/use-format";
import { CustomerFilterBar } from "./customer-filters";
import { CustomerTable } from "./customer-table";
import { ExportButton } from "./export-button";
import { filtersFromParams, isFiltered, paramsFromFilters } from "./list-filters";
import { type CustomerFilters, useColleagues, useCustomerList } from "./queries";

/** Customers, filtered and searched, a page of rows at a time over the API's keyset cursors. */
export function CustomersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const canWrite = useCan("customers:write");
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const list = useCustomerList(filters);
  const customers = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  // Only the owners on the pages shown are named (one small request per new page).
  const ownerIds = useMemo(() => customers.map((c) => c.owner_id), [customers]);
  const { ownerName } = useColleagues(ownerIds);

  const setFilters = useCallback(
    (next: CustomerFilters) => setParams(paramsFromFilters(next), { replace: true }),
    [setParams],
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          {t("customers.title")}
        </Title>
        <ExportButton filters={filters} />
        {canWrite ? (
          <Group gap="xs">
            <Button component={Link} to="/customers/import" variant="default" leftSection={<IconFileImport size={16} />}>
              {t("customers.import")}
            </Button>
            <Button component={Link} to="/customers/new" leftSection={<IconPlus size={16} />}>
              {t("customers.new")}
            </Button>
          </Group>
        ) : null}
      </Group>

      <CustomerFilterBar filters={filters} onChange={setFilters} rowsShown={!list.isPending} />

      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError && !list.data ? (
        <Alert color="red" role="alert" title={t("errors.title")}>
          <Group justify="space-between">
            <Text size="sm">{t("customers.list.failed")}</Text>
            <Button size="xs" variant="light" onClick={() => void list.refetch()}>
              {t("common.retry")}
            </Button>
          </Group>
        </Alert>
      ) : customers.length === 0 ? (
        isFiltered(filters) ? (
          <EmptyState
            title={t("customers.list.noMatches")}
            hint={t("customers.list.noMatchesHint")}
            action={
              <Button variant="light" onClick={() => setFilters({})}>
                {t("customers.filters.clear")}
              </Button>
            }
          />
        ) : (
          <EmptyState
            title={t("customers.list.empty")}
            hint={t("customers.list.emptyHint")}
            action={
              canWrite ? (
                <Button component={Link} to="/customers/new" leftSection={<IconPlus size={16} />}>
                  {t("customers.new")}
                </Button>
              ) : undefined
            }
          />
        )
      ) : (
        <Stack gap={0} style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }} aria-busy={list.isFetching}>
          <Text size="sm" c="dimmed" role="status">
            {/* "1 customer": the key is chosen here, not by i18next's plurals, which build Intl objects
                before the first rows. */}
            {list.hasNextPage
              ? t("customers.list.shownMore", { shown: format.number(customers.length) })
              : t(customers.length === 1 ? "customers.list.shownOne" : "customers.list.shown", {
                  shown: format.number(customers.length),
                })}
          </Text>
          <CustomerTable customers={customers} ownerName={ownerName} />
          <LoadMore
            hasMore={Boolean(list.hasNextPage)}
            loading={list.isFetchingNextPage}
            onLoad={() => {
              if (!list.isFetchingNextPage) void list.fetchNextPage();
            }}
          />
        </Stack>
      )}
    </Stack>
  );
}
