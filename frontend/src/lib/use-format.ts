// Formatting in the viewer's language, calendar and digits, for components.
import { useMemo } from "react";

import { formatDate, formatDateTime, formatInstantDate } from "./dates";
import { formatNumber, localizeDigits } from "./digits";
import { usePreferences } from "./use-preferences";

export function useFormat() {
  const { language, calendar } = usePreferences();
  return useMemo(
    () => ({
      language,
      calendar,
      date: (iso: string, style: "short" | "medium" | "long" = "medium") => formatDate(iso, language, calendar, style),
      dateTime: (instant: string) => formatDateTime(instant, language, calendar),
      instantDate: (instant: string) => formatInstantDate(instant, language, calendar),
      number: (value: number | string, fractionDigits = 2) => formatNumber(value, language, fractionDigits),
      digits: (text: string) => localizeDigits(text, language),
    }),
    [language, calendar],
  );
}
