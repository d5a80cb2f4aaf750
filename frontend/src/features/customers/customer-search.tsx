import { Combobox, Group, Loader, Text, TextInput, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useFormat } from "../../lib/use-format";
import { useCustomerSearch } from "./queries";

const ALL = "__all__";

/** The header's search box: customers by name, e-mail, phone or tag as you type; Enter (or "all
 * results") opens the filtered list. */
export function CustomerSearch() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const search = useCustomerSearch(debounced);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const items = debounced ? (search.data?.items ?? []) : [];

  const go = (value: string) => {
    if (value === ALL) navigate(`/customers?q=${encodeURIComponent(q.trim())}`);
    else navigate(`/customers/${value}`);
    setQ("");
    combobox.closeDropdown();
  };

  return (
    // keepMounted={false}: a hidden dropdown kept in the page is positioned as the shell mounts, which
    // forces a style and layout pass (and a second render) before the first page can be shown.
    <Combobox store={combobox} onOptionSubmit={go} withinPortal keepMounted={false}>
      <Combobox.Target>
        <TextInput
          w={{ base: "100%", sm: 360 }}
          maw={420}
          aria-label={t("search.label")}
          placeholder={t("search.placeholder")}
          leftSection={<IconSearch size={16} aria-hidden />}
          rightSection={search.isFetching ? <Loader size={14} /> : null}
          value={q}
          onChange={(event) => {
            setQ(event.currentTarget.value);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          }}
          onFocus={() => q && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(event) => {
            if (event.key === "Enter" && combobox.getSelectedOptionIndex() < 0 && q.trim()) {
              event.preventDefault();
              go(ALL);
            }
          }}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!q.trim()}>
        <Combobox.Options aria-label={t("search.results")}>
          {items.map((customer) => (
            <Combobox.Option value={customer.id} key={customer.id}>
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" truncate>
                  {customer.display_name}
                </Text>
                <Text size="xs" c="dimmed" dir="ltr" truncate>
                  {customer.primary_email ?? (customer.primary_phone ? format.digits(customer.primary_phone) : "")}
                </Text>
              </Group>
            </Combobox.Option>
          ))}
          {debounced && search.isSuccess && items.length === 0 ? (
            <Combobox.Empty>{t("search.noResults")}</Combobox.Empty>
          ) : null}
          {q.trim() ? (
            <Combobox.Option value={ALL}>
              <Text size="sm" c="indigo">
                {t("search.seeAll", { q: q.trim() })}
              </Text>
            </Combobox.Option>
          ) : null}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
