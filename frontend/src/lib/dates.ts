// Dates shown in the viewer's calendar. The API sends instants as RFC 3339 UTC and dates as ISO
// YYYY-MM-DD; both are shown through Intl with the calendar as a Unicode extension.
import type { Language } from "./digits";
import { dateTimeFormat } from "./intl-cache";

export type CalendarName = "gregorian" | "jalali" | "hijri";

export const CALENDARS: readonly CalendarName[] = ["gregorian", "jalali", "hijri"];

// Hijri is the tabular (civil) Islamic calendar: the date picker (react-date-object's "arabic"
// calendar) computes the same, so a date shows as it was entered.
const INTL_CALENDAR: Record<CalendarName, string> = {
  gregorian: "gregory",
  jalali: "persian",
  hijri: "islamic-civil",
};

export function intlLocale(language: Language, calendar: CalendarName): string {
  const base = language === "fa" ? "fa-IR" : "en-GB";
  return `${base}-u-ca-${INTL_CALENDAR[calendar]}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An ISO date (YYYY-MM-DD) as a UTC midnight Date, or null when it is not one. */
export function parseIsoDate(value: string): Date | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

type Style = "short" | "medium" | "long";

/** A calendar date (birthday, due date): the same day everywhere, whatever the viewer's time zone. */
export function formatDate(iso: string, language: Language, calendar: CalendarName, style: Style = "medium"): string {
  const date = parseIsoDate(iso);
  if (!date) return iso;
  return dateTimeFormat(intlLocale(language, calendar), { dateStyle: style, timeZone: "UTC" }).format(date);
}

/** An instant in the viewer's time zone. */
export function formatDateTime(
  instant: string,
  language: Language,
  calendar: CalendarName,
  options: { timeZone?: string } = {},
): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return dateTimeFormat(intlLocale(language, calendar), {
    dateStyle: "medium",
    timeStyle: "short",
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

/** The day of an instant in the viewer's time zone. */
export function formatInstantDate(instant: string, language: Language, calendar: CalendarName): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return dateTimeFormat(intlLocale(language, calendar), { dateStyle: "medium" }).format(date);
}
