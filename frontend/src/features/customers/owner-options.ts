// The owner pickers' choices. The directory can hold thousands of people (10,000 on the 1M bench): a
// combobox given all of them rebuilds every option on each render, keystrokes in the list's search box
// included. The pickers get the people whose name matches what was typed, a few dozen at most, plus
// whoever is already chosen.
import type { OptionsFilter } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Colleague } from "../../api/types";

export interface OwnerOption {
  value: string;
  label: string;
}

const MAX_OPTIONS = 50;

/** Folds the letters Persian keyboards type two ways (ي/ی, ك/ک) and case, for matching names. */
function fold(text: string): string {
  return text.toLocaleLowerCase().replace(/ي/g, "ی").replace(/ك/g, "ک").trim();
}

export function ownerLabel(user: Colleague, inactive: string): string {
  return user.is_active ? user.full_name : `${user.full_name} (${inactive})`;
}

/** Up to `max` people whose name contains `search` (all when it is empty), chosen ones always in. */
export function ownerOptions(
  users: Colleague[],
  search: string,
  chosen: readonly string[],
  inactive: string,
  offer: (user: Colleague) => boolean = () => true,
  max = MAX_OPTIONS,
): OwnerOption[] {
  const wanted = fold(search);
  const keep = new Set(chosen);
  const out: OwnerOption[] = [];
  let matched = 0;
  for (const user of users) {
    const isChosen = keep.has(user.id);
    if (!isChosen && (matched >= max || !offer(user) || (wanted && !fold(user.full_name).includes(wanted)))) continue;
    if (!isChosen) matched++;
    out.push({ value: user.id, label: ownerLabel(user, inactive) });
  }
  return out;
}

/** For the pickers' `filter`: the options are already narrowed here (with the folding above). */
export const alreadyFiltered: OptionsFilter = ({ options }) => options;

/** What both owner pickers (the list's filter, the form) keep and give Mantine's Select / MultiSelect: the
 * text typed (the API matches names; asked only once the dropdown has opened) and the combobox props that
 * show the API's matches as they come. */
export function useOwnerSearch() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [opened, setOpened] = useState(false);
  const pickerProps = {
    searchValue: search,
    onSearchChange: setSearch,
    onDropdownOpen: () => setOpened(true),
    filter: alreadyFiltered,
    searchable: true,
    clearable: true,
    nothingFoundMessage: t("customers.filters.ownerNone"),
  };
  return { search, opened, pickerProps };
}
