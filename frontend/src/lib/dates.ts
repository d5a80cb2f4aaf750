// Dates shown in the viewer's calendar. The API sends instants as RFC 3339 UTC and dates as ISO
// YYYY-MM-DD. The medium style (the one lists and pages show) is written by calendar arithmetic
// (calendars.ts, date-names.ts), exactly as Intl writes it: the first Intl object of a page costs
// 15–70 ms of ICU locale data, which the customer list's first rows would wait for. Other styles, and
// dates outside the years the arithmetic is checked for, go through Intl with the calendar as a Unicode
// extension.
import { gregorianToJdn, jdnToGregorian, jdnToIslamicCivil, jdnToJalali } from "./calendars";
import { ERA_SUFFIX, MONTH_NAMES } from "./date-names";
import { type Language, toPersianDigits } from "./digits";
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

// The years the arithmetic writes, as Intl does: ICU shows Gregorian dates before 15 October 1582 in the
// Julian calendar (the arithmetic is proleptic Gregorian), and from 1503 AP (March 2124) on it corrects
// the Jalali 33-year rule. intl-free.test.ts compares every day of 1900–2100 and every 13th before.
const FIRST_YEAR = 1583;
const LAST_YEAR = 2100;

/** A Gregorian day as Intl's dateStyle "medium" writes it in the viewer's language and calendar, or
 * null outside the years the arithmetic covers. */
function mediumDate(year: number, month: number, day: number, language: Language, calendar: CalendarName): string | null {
  if (year < FIRST_YEAR || year > LAST_YEAR) return null;
  const jdn = gregorianToJdn(year, month, day);
  const shown = calendar === "jalali" ? jdnToJalali(jdn) : calendar === "hijri" ? jdnToIslamicCivil(jdn) : jdnToGregorian(jdn);
  const text = `${shown.day} ${MONTH_NAMES[language][calendar][shown.month - 1]} ${shown.year}${ERA_SUFFIX[language][calendar]}`;
  return language === "fa" ? toPersianDigits(text) : text;
}

/** A calendar date (birthday, due date): the same day everywhere, whatever the viewer's time zone. */
export function formatDate(iso: string, language: Language, calendar: CalendarName, style: Style = "medium"): string {
  const date = parseIsoDate(iso);
  if (!date) return iso;
  if (style === "medium") {
    const shown = mediumDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), language, calendar);
    if (shown !== null) return shown;
  }
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

/** The day of an instant in the viewer's time zone (the Date's local day: the engine takes its time
 * zone from ICU, as Intl does). */
export function formatInstantDate(instant: string, language: Language, calendar: CalendarName): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return (
    mediumDate(date.getFullYear(), date.getMonth() + 1, date.getDate(), language, calendar) ??
    dateTimeFormat(intlLocale(language, calendar), { dateStyle: "medium" }).format(date)
  );
}
