import { Button, Collapse, Group, Stack, TextInput } from "@mantine/core";
import { useDebouncedCallback, useDisclosure, useMediaQuery } from "@mantine/hooks";
import { IconAdjustmentsHorizontal, IconSearch } from "@tabler/icons-react";
import { lazy, memo, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../lib/use-format";
import type { CustomerFilters } from "./queries";
import { usePrefetchCustomerList } from "./queries";

// Loaded once the rows are shown: see useAfterRows.
const FilterGrid = lazy(() => import("./filter-grid").then((m) => ({ default: m.FilterGrid })));

interface Props {
  filters: CustomerFilters;
  onChange: (filters: CustomerFilters) => void;
}

interface BarProps extends Props {
  /** False until the list's first page is on screen: the seven filter inputs (Mantine comboboxes,
   * 0.1-0.2 s to render and lay out on the bench, and ~100 kB of code with the popovers under them)
   * are loaded and drawn after the rows instead of delaying them. */
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

// Holds the grid's place until it arrives, so the rows do not jump.
const placeholder = <div className="filter-grid-placeholder" aria-hidden />;

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
        <Suspense fallback={placeholder}>
          <Collapse in={!isPhone || unfolded}>
            <FilterGrid filters={filters} onChange={onChange} />
          </Collapse>
        </Suspense>
      ) : (
        placeholder
      )}
    </Stack>
  );
});
