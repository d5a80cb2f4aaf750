import { TextInput, type TextInputProps } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { type Ref, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useIdleImport } from "../../lib/idle";

// The suggestions' code loads when the browser is idle after the first page; until then the box is a
// plain one, where Enter already opens the filtered list.
const loadSuggestions = () => import("./search-suggestions");

/** The header's search box: customers by name, e-mail, phone or tag as you type; Enter (or "all
 * results") opens the filtered list. */
export function CustomerSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const suggestions = useIdleImport(loadSuggestions);
  const [q, setQ] = useState("");
  const focused = useRef(false);

  const input = (props: TextInputProps & { ref?: Ref<HTMLInputElement> }) => (
    <TextInput
      w={{ base: "100%", sm: 360 }}
      maw={420}
      aria-label={t("search.label")}
      placeholder={t("search.placeholder")}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={q}
      {...props}
    />
  );
  const plain = input({
    onChange: (event) => setQ(event.currentTarget.value),
    onFocus: () => (focused.current = true),
    onBlur: () => (focused.current = false),
    onKeyDown: (event) => {
      if (event.key === "Enter" && q.trim()) {
        event.preventDefault();
        navigate(`/customers?q=${encodeURIComponent(q.trim())}`);
        setQ("");
      }
    },
  });

  if (!suggestions) return plain;
  return <suggestions.SearchSuggestions q={q} setQ={setQ} input={input} focused={focused} />;
}
