// The date picker's side of calendars: ISO dates to and from react-date-object's DateObject in the
// viewer's calendar and language.
import DateObject, { type Calendar, type Locale } from "react-date-object";
import arabic from "react-date-object/calendars/arabic";
import gregorian from "react-date-object/calendars/gregorian";
import persian from "react-date-object/calendars/persian";
import arabic_en from "react-date-object/locales/arabic_en";
import arabic_fa from "react-date-object/locales/arabic_fa";
import gregorian_en from "react-date-object/locales/gregorian_en";
import gregorian_fa from "react-date-object/locales/gregorian_fa";
import persian_en from "react-date-object/locales/persian_en";
import persian_fa from "react-date-object/locales/persian_fa";

import type { CalendarName } from "./dates";
import type { Language } from "./digits";
import { toLatinDigits } from "./digits";

const CALENDAR: Record<CalendarName, Calendar> = { gregorian, jalali: persian, hijri: arabic };

const LOCALE: Record<CalendarName, Record<Language, Locale>> = {
  gregorian: { en: gregorian_en, fa: gregorian_fa },
  jalali: { en: persian_en, fa: persian_fa },
  hijri: { en: arabic_en, fa: arabic_fa },
};

export function pickerCalendar(calendar: CalendarName): Calendar {
  return CALENDAR[calendar];
}

export function pickerLocale(calendar: CalendarName, language: Language): Locale {
  return LOCALE[calendar][language];
}

/** The format shown and typed in date inputs: year/month/day in every calendar. */
export const PICKER_FORMAT = "YYYY/MM/DD";

/** An ISO date as a DateObject of the viewer's calendar (null for no or an invalid date). */
export function isoToPicker(iso: string | null | undefined, calendar: CalendarName, language: Language): DateObject | null {
  if (!iso) return null;
  const date = new DateObject({ date: iso, format: "YYYY-MM-DD", calendar: gregorian, locale: gregorian_en });
  if (!date.isValid) return null;
  return date.convert(CALENDAR[calendar], LOCALE[calendar][language]);
}

/** A picked DateObject back to the ISO date the API stores. */
export function pickerToIso(value: DateObject | null | undefined): string | null {
  if (!value || !value.isValid) return null;
  const gregorianDate = new DateObject(value).convert(gregorian, gregorian_en);
  return toLatinDigits(gregorianDate.format("YYYY-MM-DD"));
}

/** A date typed as year/month/day (any digits, / - . separators) in the viewer's calendar → ISO. */
export function typedToIso(text: string, calendar: CalendarName): string | null {
  const match = /^\s*(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$/.exec(toLatinDigits(text));
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new DateObject({ calendar: CALENDAR[calendar], locale: LOCALE[calendar].en, year, month, day });
  // DateObject rolls an impossible day over into the next month; refuse it instead.
  if (!date.isValid || date.year !== year || date.month.number !== month || date.day !== day) return null;
  return pickerToIso(date);
}
