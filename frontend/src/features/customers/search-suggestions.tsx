// The header search's suggestions (Mantine's Combobox and the popover under it), loaded after the first
// page: see customer-search.tsx.
import { Combobox, Group, Loader, Text, type TextInputProps, useCombobox } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { type ReactElement, type Ref, type RefObject, useLayoutEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useFormat } from "../../lib/use-format";
import { useCustomerSearch } from "./queries";

const ALL = "__all__";

interface Props {
  q: string;
  setQ: (q: string) => void;
  /** The box as customer-search.tsx draws it, given the combobox's own props. */
  input: (props: TextInputProps & { ref?: Ref<HTMLInputElement> }) => ReactElement;
  /** Whether the plain box this one replaces has the focus: then typing goes on here. */
  focused: RefObject<boolean>;
}

export function SearchSuggestions({ q, setQ, input, focused }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const search = useCustomerSearch(debounced);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const items = debounced ? (search.data?.items ?? []) : [];
  const ref = useRef<HTMLInputElement>(null);

  // Before the next keystroke: what was typed stays, and so do the focus and the caret.
  useLayoutEffect(() => {
    if (!focused.current || !ref.current) return;
    ref.current.focus();
    ref.current.setSelectionRange(q.length, q.length);
    if (q.trim()) combobox.openDropdown();
  }, []); // once, as it replaces the plain box

  const go = (value: string) => {
    if (value === ALL) navigate(`/customers?q=${encodeURIComponent(q.trim())}`);
    else navigate(`/customers/${value}`);
    setQ("");
    combobox.closeDropdown();
  };

  return (
    // keepMounted={false}: a hidden dropdown kept in the page is positioned as it mounts, which forces a
    // style and layout pass.
    <Combobox store={combobox} onOptionSubmit={go} withinPortal keepMounted={false}>
      <Combobox.Target>
        {input({
          ref,
          rightSection: search.isFetching ? <Loader size={14} /> : null,
          onChange: (event) => {
            setQ(event.currentTarget.value);
            combobox.openDropdown();
            combobox.updateSelectedOptionIndex();
          },
          onFocus: () => q && combobox.openDropdown(),
          onBlur: () => combobox.closeDropdown(),
          onKeyDown: (event) => {
            if (event.key === "Enter" && combobox.getSelectedOptionIndex() < 0 && q.trim()) {
              event.preventDefault();
              go(ALL);
            }
          },
        })}
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
