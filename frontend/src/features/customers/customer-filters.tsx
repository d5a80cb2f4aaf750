import { Button, Collapse, Group, MultiSelect, Select, SimpleGrid, Stack, Switch, TagsInput, TextInput } from "@mantine/core";
import { useDebouncedCallback, useDisclosure, useMediaQuery } from "@mantine/hooks";
import { IconAdjustmentsHorizontal, IconFilterOff, IconSearch } from "@tabler/icons-react";
import { memo, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import type { Stage, Tier } from "../../api/types";
import { useFormat } from "../../lib/use-format";
import { STAGES, TIERS } from "./ladder";
import { isFiltered, SORTS } from "./list-filters";
import { ownerOptions, useOwnerSearch } from "./owner-options";
import type { CustomerFilters } from "./queries";
import { useOwnerChoices, usePrefetchCustomerList } from "./queries";

interface Props {
  filters: CustomerFilters;
  onChange: (filters: CustomerFilters) => void;
}

interface BarProps extends Props {
  /** False until the list's first page is on screen: the seven filter inputs (Mantine comboboxes,
   * 0.1-0.2 s to render and lay out on the bench) wait for the rows instead of delaying them. */
  rowsShown?: boolean;
}

/** True once the rows are shown (then for good): one task after them, so they paint first, also when
 * the first page is in the cache already at the first render (the usual case on a cold load). */
function useAfterRows(rowsShown: boolean): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    if (mounted || !rowsShown) return;
    const id = setTimeout(() => setMounted(true), 0);
    return () => clearTimeout(id);
  }, [mounted, rowsShown]);
  return mounted;
}

function orUndefined<T>(values: T[]): T[] | undefined {
  return values.length ? values : undefined;
}

/** The search box keeps what is being typed to itself: a keystroke redraws this input only, not the
 * seven filters beside it (20-35 ms a key on a busy machine). */
function SearchBox({ filters, onChange }: Props) {
  const { t } = useTranslation();
  const [q, setQ] = useState(filters.q ?? "");
  const prefetch = usePrefetchCustomerList();
  const pushQ = useDebouncedCallback((value: string) => {
    const next = { ...filters };
    if (value.trim()) next.q = value.trim();
    else delete next.q;
    prefetch(next);
    onChange(next);
  }, 150);

  // The search changed from outside (the header's search box, Back): show it.
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);

  return (
    <TextInput
      flex={1}
      label={t("customers.filters.search")}
      placeholder={t("customers.filters.searchPlaceholder")}
      leftSection={<IconSearch size={16} aria-hidden />}
      type="search"
      value={q}
      onChange={(event) => {
        setQ(event.currentTarget.value);
        pushQ(event.currentTarget.value);
      }}
    />
  );
}

/** Search as you type (debounced) and the list's filters; every change lands in the URL. Memoized: a
 * page of rows arriving does not redraw the filters. */
export const CustomerFilterBar = memo(function CustomerFilterBar({ filters, onChange, rowsShown = true }: BarProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const gridMounted = useAfterRows(rowsShown);
  // On a phone the filters fold away behind a button; the search stays.
  const isPhone = useMediaQuery("(max-width: 48em)") ?? false;
  const [unfolded, { toggle }] = useDisclosure(false);
  const active = Object.keys(filters).filter((key) => key !== "q" && key !== "sort").length;

  return (
    <Stack gap="sm">
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <SearchBox filters={filters} onChange={onChange} />
        {isPhone ? (
          <Button
            variant={active ? "light" : "default"}
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={toggle}
            aria-expanded={unfolded}
          >
            {active ? t("customers.filters.toggleCount", { n: format.number(active) }) : t("customers.filters.toggle")}
          </Button>
        ) : null}
      </Group>
      {gridMounted ? (
        <Collapse in={!isPhone || unfolded}>
          <FilterGrid filters={filters} onChange={onChange} />
        </Collapse>
      ) : (
        // Holds the grid's place until it arrives, so the rows do not jump.
        <div className="filter-grid-placeholder" aria-hidden />
      )}
    </Stack>
  );
});

function FilterGrid({ filters, onChange }: Props) {
  const { t } = useTranslation();
  const inactive = t("customers.inactiveUser");
  const owner = useOwnerSearch();
  const chosenOwners = useMemo(() => filters.owner_id ?? [], [filters.owner_id]);
  const { users, meId } = useOwnerChoices(owner.search, chosenOwners, owner.opened);
  // The API matched the names already (it folds more spellings than the browser would).
  const owners = useMemo(() => ownerOptions(users, "", chosenOwners, inactive), [users, chosenOwners, inactive]);
  const onlyMine = Boolean(meId && filters.owner_id?.length === 1 && filters.owner_id[0] === meId);

  const set = <K extends keyof CustomerFilters>(key: K, value: CustomerFilters[K] | undefined) => {
    const next = { ...filters };
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    onChange(next);
  };

  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="sm">
      <MultiSelect
        label={t("customers.filters.stage")}
        placeholder={filters.stage?.length ? undefined : t("common.all")}
        data={STAGES.map((stage) => ({ value: stage, label: t(`stages.${stage}`) }))}
        value={filters.stage ?? []}
        onChange={(values) => set("stage", orUndefined(values as Stage[]))}
        clearable
      />
      <MultiSelect
        label={t("customers.filters.tier")}
        placeholder={filters.importance_tier?.length ? undefined : t("common.all")}
        data={TIERS.map((tier) => ({ value: tier, label: t(`tiers.${tier}`) }))}
        value={filters.importance_tier ?? []}
        onChange={(values) => set("importance_tier", orUndefined(values as Tier[]))}
        clearable
      />
      <Stack gap={6}>
        <MultiSelect
          label={t("customers.filters.owner")}
          placeholder={filters.owner_id?.length ? undefined : t("common.all")}
          data={owners}
          value={filters.owner_id ?? []}
          onChange={(values) => set("owner_id", orUndefined(values))}
          {...owner.pickerProps}
        />
        <Switch
          size="xs"
          label={t("customers.filters.mine")}
          checked={onlyMine}
          disabled={!meId}
          onChange={(event) => set("owner_id", event.currentTarget.checked && meId ? [meId] : undefined)}
        />
      </Stack>
      <TagsInput
        label={t("customers.filters.tag")}
        placeholder={t("customers.filters.tagPlaceholder")}
        value={filters.tag ?? []}
        onChange={(values) => set("tag", orUndefined(values))}
        clearable
      />
      <TagsInput
        label={t("customers.filters.source")}
        placeholder={t("customers.filters.sourcePlaceholder")}
        value={filters.source_channel ?? []}
        onChange={(values) => set("source_channel", orUndefined(values))}
        clearable
      />
      <Select
        label={t("customers.filters.kind")}
        data={[
          { value: "", label: t("common.all") },
          { value: "person", label: t("kinds.person") },
          { value: "organization", label: t("kinds.organization") },
        ]}
        value={filters.kind ?? ""}
        onChange={(value) => set("kind", value === "person" || value === "organization" ? value : undefined)}
        allowDeselect={false}
      />
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <Select
          flex={1}
          label={t("customers.filters.sort")}
          data={SORTS.map((sort) => ({ value: sort, label: t(`customers.sorts.${sort}`) }))}
          value={filters.sort ?? "-created_at"}
          onChange={(value) => set("sort", value && value !== "-created_at" ? value : undefined)}
          allowDeselect={false}
        />
        {isFiltered(filters) ? (
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} />}
            onClick={() => onChange(filters.sort ? { sort: filters.sort } : {})}
          >
            {t("customers.filters.clear")}
          </Button>
        ) : null}
      </Group>
    </SimpleGrid>
  );
}
