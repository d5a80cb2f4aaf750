// The customer list's filters. A module of its own: its Mantine comboboxes (and the popover machinery
// under them) load after the list's first rows, not before them (customer-filters.tsx).
import { Button, Group, MultiSelect, Select, SimpleGrid, Stack, Switch, TagsInput } from "@mantine/core";
import { IconFilterOff } from "@tabler/icons-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import type { Stage, Tier } from "../../api/types";
import { STAGES, TIERS } from "./ladder";
import { isFiltered, SORTS } from "./list-filters";
import { ownerOptions, useOwnerSearch } from "./owner-options";
import type { CustomerFilters } from "./queries";
import { useOwnerChoices } from "./queries";

interface Props {
  filters: CustomerFilters;
  onChange: (filters: CustomerFilters) => void;
}

function orUndefined<T>(values: T[]): T[] | undefined {
  return values.length ? values : undefined;
}

export function FilterGrid({ filters, onChange }: Props) {
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
      <Select
        label={t("customers.filters.sort")}
        data={SORTS.map((sort) => ({ value: sort, label: t(`customers.sorts.${sort}`) }))}
        value={filters.sort ?? "-created_at"}
        onChange={(value) => set("sort", value && value !== "-created_at" ? value : undefined)}
        allowDeselect={false}
      />
      {/* A cell of its own (the eighth, free on wide screens): beside the sort in one cell, the button took
          most of it and cut the sort's value off. */}
      {isFiltered(filters) ? (
        <Group h="100%" align="flex-end">
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} />}
            onClick={() => onChange(filters.sort ? { sort: filters.sort } : {})}
          >
            {t("customers.filters.clear")}
          </Button>
        </Group>
      ) : null}
    </SimpleGrid>
  );
}
