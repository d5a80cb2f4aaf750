// Calendar arithmetic, the same as ICU's (what Intl uses): a day as a Julian day number and its year,
// month and day in the proleptic Gregorian, the Jalali (ICU's "persian": the 33-year arithmetic cycle)
// and the tabular civil Islamic ("islamic-civil") calendars. No Intl: building the first Intl object of
// a page loads ICU's locale data, 15–70 ms on the main thread before the customer list could show.

export interface CalendarDay {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const UNIX_EPOCH_JDN = 2440588; // 1970-01-01
const MS_PER_DAY = 86_400_000;

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/** Milliseconds at 00:00 UTC of a Gregorian day (Date.UTC would read years 0–99 as 1900–1999). */
function utcDayStart(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

export function gregorianToJdn(year: number, month: number, day: number): number {
  return floorDiv(utcDayStart(year, month, day), MS_PER_DAY) + UNIX_EPOCH_JDN;
}

export function jdnToGregorian(jdn: number): CalendarDay {
  const date = new Date((jdn - UNIX_EPOCH_JDN) * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// ICU's PersianCalendar: Farvardin 1 of year 1 is the day after JDN 1948320; a year is leap when
// (25·y + 11) mod 33 < 8; the first six months have 31 days, the next five 30, Esfand 29 or 30.
const PERSIAN_EPOCH = 1948320;
const PERSIAN_CUMULATIVE_DAYS = [0, 31, 62, 93, 124, 155, 186, 216, 246, 276, 306, 336];

export function jdnToJalali(jdn: number): CalendarDay {
  const sinceEpoch = jdn - PERSIAN_EPOCH;
  const year = 1 + floorDiv(33 * sinceEpoch + 3, 12053);
  const farvardin1 = 365 * (year - 1) + floorDiv(8 * year + 21, 33);
  const dayOfYear = sinceEpoch - farvardin1; // 0-based
  const month = dayOfYear < 216 ? Math.floor(dayOfYear / 31) : Math.floor((dayOfYear - 6) / 30);
  return { year, month: month + 1, day: dayOfYear - (PERSIAN_CUMULATIVE_DAYS[month] ?? 0) + 1 };
}

// ICU's IslamicCivilCalendar: 1 Muharram 1 AH is JDN 1948440 (Friday 16 July 622, Julian); months
// alternate 30 and 29 days, Dhu al-Hijjah has 30 in the 11 leap years of each 30: (14 + 11·y) mod 30 < 11.
const CIVIL_EPOCH = 1948440;

function islamicYearStart(year: number): number {
  return (year - 1) * 354 + floorDiv(3 + 11 * year, 30);
}

function islamicMonthStart(year: number, month0: number): number {
  return Math.ceil(29.5 * month0) + islamicYearStart(year);
}

export function jdnToIslamicCivil(jdn: number): CalendarDay {
  const days = jdn - CIVIL_EPOCH;
  const year = floorDiv(30 * days + 10646, 10631);
  const month0 = Math.min(Math.max(Math.ceil((days - 29 - islamicYearStart(year)) / 29.5), 0), 11);
  return { year, month: month0 + 1, day: days - islamicMonthStart(year, month0) + 1 };
}
