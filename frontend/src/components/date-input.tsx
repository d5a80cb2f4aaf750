// A date field in the viewer's calendar (Gregorian, Jalali or Hijri) that reads and writes ISO dates.
// Typing works too, in any digits, as year/month/day of that calendar.
import { ActionIcon, TextInput } from "@mantine/core";
import { IconCalendar } from "@tabler/icons-react";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import DatePickerImport from "react-multi-date-picker";

import { isoToPicker, pickerCalendar, pickerLocale, pickerToIso, PICKER_FORMAT, typedToIso } from "../lib/calendar-input";
import { localizeDigits } from "../lib/digits";
import { usePreferences } from "../lib/use-preferences";

// The package is CommonJS: depending on the bundler's interop its default export arrives as the
// component itself (vitest) or as the module object holding it (the production build).
const DatePicker =
  (DatePickerImport as unknown as { default?: typeof DatePickerImport }).default ?? DatePickerImport;

interface Props {
  label: string;
  value: string | null;
  onChange: (iso: string | null) => void;
  error?: string | undefined;
  description?: string | undefined;
  required?: boolean | undefined;
  name?: string | undefined;
}

export function DateInput({ label, value, onChange, error, description, required, name }: Props) {
  const { t } = useTranslation();
  const { language, calendar } = usePreferences();
  const id = useId();
  const shown = (iso: string | null) => {
    const picked = isoToPicker(iso, calendar, language);
    return picked ? localizeDigits(picked.format(PICKER_FORMAT), language) : "";
  };
  const [text, setText] = useState(() => shown(value));
  const [invalid, setInvalid] = useState(false);

  // The value, calendar or language changed from outside: show it afresh.
  useEffect(() => {
    setText(shown(value));
    setInvalid(false);
  }, [value, calendar, language]);

  const commitTyped = () => {
    if (text.trim() === "") {
      setInvalid(false);
      if (value !== null) onChange(null);
      return;
    }
    const iso = typedToIso(text, calendar);
    setInvalid(iso === null);
    if (iso !== null && iso !== value) onChange(iso);
  };

  return (
    <DatePicker
      value={isoToPicker(value, calendar, language)}
      calendar={pickerCalendar(calendar)}
      locale={pickerLocale(calendar, language)}
      format={PICKER_FORMAT}
      onChange={(picked) => onChange(pickerToIso(picked))}
      calendarPosition={language === "fa" ? "bottom-right" : "bottom-left"}
      containerStyle={{ width: "100%" }}
      portal
      onOpenPickNewDate={false}
      render={(_value: string, openCalendar: () => void) => (
        <TextInput
          id={id}
          name={name}
          label={label}
          description={description}
          required={required ?? false}
          value={text}
          placeholder={localizeDigits(t(`dates.placeholder.${calendar}`), language)}
          inputMode="numeric"
          autoComplete="off"
          error={error ?? (invalid ? t("dates.invalid") : undefined)}
          onChange={(event) => setText(event.currentTarget.value)}
          onBlur={commitTyped}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              commitTyped();
            }
          }}
          rightSectionPointerEvents="all"
          rightSection={
            <ActionIcon variant="subtle" color="gray" aria-label={t("dates.open", { label })} onClick={openCalendar}>
              <IconCalendar size={16} />
            </ActionIcon>
          }
        />
      )}
    />
  );
}
