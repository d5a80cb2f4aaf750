// The dates and numbers written without Intl (dates.ts, calendars.ts, digits.ts) against Intl itself:
// every day of 1900–2100 in both languages and all three calendars, instants in time zones with odd
// offsets, and numbers of every shape. One character of difference fails.
import { afterAll, describe, expect, it } from "vitest";

import { jdnToIslamicCivil, jdnToJalali, gregorianToJdn } from "./calendars";
import { type CalendarName, CALENDARS, formatDate, formatInstantDate, intlLocale } from "./dates";
import { formatNumber, type Language, normalizeNumber, numberLocale } from "./digits";

// The leap-year rules the conversions must follow (ICU's): the last month has 30 days exactly in these years.
const isJalaliLeapYear = (year: number) => (((25 * year + 11) % 33) + 33) % 33 < 8;
const isIslamicCivilLeapYear = (year: number) => (((14 + 11 * year) % 30) + 30) % 30 < 11;

const LANGUAGES: Language[] = ["en", "fa"];
const DAY = 86_400_000;
const iso = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Every way the two disagree, up to ``limit`` of them, as "input: ours ≠ Intl's". */
function differences<T>(inputs: Iterable<T>, ours: (input: T) => string, theirs: (input: T) => string, limit = 5): string[] {
  const found: string[] = [];
  for (const input of inputs) {
    const a = ours(input);
    const b = theirs(input);
    if (a !== b) found.push(`${String(input)}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
    if (found.length >= limit) break;
  }
  return found;
}

function* days(from: string, to: string, step = 1): Generator<number> {
  for (let t = Date.parse(from); t <= Date.parse(to); t += step * DAY) yield t;
}

const utcMedium = (language: Language, calendar: CalendarName) =>
  new Intl.DateTimeFormat(intlLocale(language, calendar), { dateStyle: "medium", timeZone: "UTC" });

describe("dates without Intl", () => {
  for (const language of LANGUAGES) {
    for (const calendar of CALENDARS) {
      it(`writes every day of 1900–2100 as Intl does (${language}, ${calendar})`, () => {
        const intl = utcMedium(language, calendar);
        const found = differences(days("1900-01-01", "2100-12-31"), (t) => formatDate(iso(t), language, calendar), (t) => intl.format(t));
        expect(found).toEqual([]);
      });

      it(`writes every 13th day of 1583–1899 and of 2101–2400 (through Intl) as Intl does (${language}, ${calendar})`, () => {
        const intl = utcMedium(language, calendar);
        const found = differences([...days("1583-01-01", "1899-12-31", 13), ...days("2101-01-01", "2400-12-31", 13)], (t) => formatDate(iso(t), language, calendar), (t) => intl.format(t));
        expect(found).toEqual([]);
      });
    }
  }

  it("has the leap days of each calendar where Intl has them", () => {
    // Gregorian: 29 February in 2000 and 2024, none in 1900 or 2100.
    expect(formatDate("2000-02-29", "en", "gregorian")).toBe("29 Feb 2000");
    expect(formatDate("2100-02-29", "en", "gregorian")).toBe("2100-02-29"); // not a date
    // Jalali: 1403 is leap (30 Esfand = 20 March 2025), 1404 is not; the 33-year rule against Intl.
    expect(formatDate("2025-03-20", "en", "jalali")).toBe("30 Esfand 1403 AP");
    expect(formatDate("2026-03-20", "en", "jalali")).toBe("29 Esfand 1404 AP");
    expect(formatDate("2025-03-20", "fa", "jalali")).toBe(utcMedium("fa", "jalali").format(Date.parse("2025-03-20")));
    // Hijri (civil): Dhu al-Hijjah has 30 days in leap years.
    const intl = utcMedium("en", "hijri");
    for (let t = Date.parse("1900-01-01"); t <= Date.parse("2100-12-31"); t += DAY) {
      const jdn = gregorianToJdn(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth() + 1, new Date(t).getUTCDate());
      const hijri = jdnToIslamicCivil(jdn);
      if (hijri.month === 12 && hijri.day === 30) {
        expect(isIslamicCivilLeapYear(hijri.year)).toBe(true);
        expect(intl.format(t)).toMatch(/^30 Dhuʻl-H\. /);
      }
      const next = jdnToIslamicCivil(jdn + 1);
      if (hijri.month === 12 && next.month === 1) expect(hijri.day).toBe(isIslamicCivilLeapYear(hijri.year) ? 30 : 29);
      const jalali = jdnToJalali(jdn);
      const jalaliNext = jdnToJalali(jdn + 1);
      if (jalali.month === 12 && jalaliNext.month === 1) expect(jalali.day).toBe(isJalaliLeapYear(jalali.year) ? 30 : 29);
    }
  });

  it("writes Persian with Persian digits, the Hijri era with its joiner and no stray marks", () => {
    const shown = formatDate("2026-12-02", "fa", "hijri");
    expect(shown).toBe(utcMedium("fa", "hijri").format(Date.parse("2026-12-02")));
    expect(shown).toMatch(/^[۰-۹]+ \S+ [۰-۹]+ ه\u200d\.ق\.$/);
  });

  it("leaves other styles, far years and non-dates to Intl or as they are", () => {
    expect(formatDate("2026-11-22", "en", "gregorian", "long")).toBe("22 November 2026");
    expect(formatDate("1500-03-01", "en", "gregorian")).toBe(utcMedium("en", "gregorian").format(Date.parse("1500-03-01")));
    // From 1503 AP ICU departs from the 33-year rule: 1502 is not leap there, 1503 is.
    expect(formatDate("2124-03-20", "fa", "jalali")).toBe(utcMedium("fa", "jalali").format(Date.parse("2124-03-20")));
    expect(formatDate("2124-03-20", "en", "jalali")).toBe("1 Farvardin 1503 AP");
    expect(formatInstantDate("not a date", "fa", "jalali")).toBe("not a date");
  });
});

describe("instants without Intl, in the viewer's time zone", () => {
  const zoneBefore = process.env.TZ;
  afterAll(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });
  // Tehran (+3:30, DST until 2022), New York (DST), Kiritimati (+14, moved across the date line in
  // 1994), Apia (skipped 30 December 2011), Lord Howe (30-minute DST), Kathmandu (+5:45), UTC.
  const ZONES = ["Asia/Tehran", "America/New_York", "Pacific/Kiritimati", "Pacific/Apia", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"];
  for (const zone of ZONES) {
    it(`writes the day of an instant as Intl does in ${zone}`, () => {
      process.env.TZ = zone;
      // ICU names some zones by their older spelling.
      expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(zone === "Asia/Kathmandu" ? "Asia/Katmandu" : zone);
      const instants = function* (from: string, to: string, step: number) {
        for (let t = Date.parse(from); t <= Date.parse(to); t += step) yield new Date(t).toISOString();
      };
      // Every 61 minutes over 1990–2030 (each hour of the day, every DST change), in Gregorian…
      const gregorian = new Intl.DateTimeFormat(intlLocale("en", "gregorian"), { dateStyle: "medium" });
      expect(differences(instants("1990-01-01T00:00:00Z", "2030-12-31T00:00:00Z", 61 * 60_000), (i) => formatInstantDate(i, "en", "gregorian"), (i) => gregorian.format(new Date(i)))).toEqual([]);
      // …each side of every local midnight of 2011–2012, and every 7 h 13 min of 1900–2100 in all
      // calendars and both languages.
      for (const language of LANGUAGES) {
        for (const calendar of CALENDARS) {
          const intl = new Intl.DateTimeFormat(intlLocale(language, calendar), { dateStyle: "medium" });
          const midnights: string[] = [];
          for (let t = Date.parse("2011-01-01T00:00:00Z"); t < Date.parse("2013-01-01T00:00:00Z"); t += 15 * 60_000) {
            const local = new Date(t);
            if (local.getHours() === 0 && local.getMinutes() < 15) {
              const midnight = t - local.getMinutes() * 60_000 - local.getSeconds() * 1000 - local.getMilliseconds();
              midnights.push(new Date(midnight).toISOString(), new Date(midnight - 1).toISOString());
            }
          }
          expect(midnights.length).toBeGreaterThan(1400);
          expect(differences(midnights, (i) => formatInstantDate(i, language, calendar), (i) => intl.format(new Date(i)))).toEqual([]);
          expect(differences(instants("1900-01-01T00:00:00Z", "2100-12-31T00:00:00Z", 433 * 60_000 * 7), (i) => formatInstantDate(i, language, calendar), (i) => intl.format(new Date(i)))).toEqual([]);
        }
      }
    });
  }
});

describe("numbers without Intl", () => {
  /** A small seeded generator, so that a failure can be run again. */
  function random(seed: number) {
    return () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
  }

  for (const language of LANGUAGES) {
    for (const fractionDigits of [0, 1, 2, 3, 6]) {
      const intl = new Intl.NumberFormat(numberLocale(language), { maximumFractionDigits: fractionDigits });
      const exact = intl.format as unknown as (value: string) => string;

      it(`writes numbers as Intl does (${language}, up to ${fractionDigits} decimals)`, () => {
        const next = random(7 + fractionDigits);
        const numbers: number[] = [0, -0, 0.5, 1.5, 2.5, -2.5, 0.05, 0.005, 1.005, 9.995, 999.9999, -0.001, 1e21, 1.5e21, 1e-7,
          -1.25e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 123456789.987654321, 0.1 + 0.2];
        for (let n = -12_000; n <= 12_000; n++) numbers.push(n, n / 8, n / 1000 + 0.0005);
        for (let i = 0; i < 20_000; i++) {
          const magnitude = 10 ** Math.floor(next() * 40 - 12);
          numbers.push((next() - 0.5) * magnitude, Math.round((next() - 0.5) * magnitude));
        }
        expect(differences(numbers, (n) => formatNumber(n, language, fractionDigits), (n) => intl.format(n))).toEqual([]);
      });

      it(`writes decimal strings exactly as Intl does (${language}, up to ${fractionDigits} decimals)`, () => {
        const next = random(11 + fractionDigits);
        const digits = (count: number) => Array.from({ length: count }, () => String(Math.floor(next() * 10))).join("");
        const texts = ["0", "-0", "-0.00", "+5", "007", "007.50", "0.5", "0.05", "0.0049", "9.999999", "-9.5", "1250000.00",
          "99999999999999999999.995", "12345678901234567.25", "۱۲۳۴۵۶۷٫۸۹", "١٬٢٣٤٫٥", "1,250,000.5"];
        for (let i = 0; i < 20_000; i++) {
          const sign = next() < 0.3 ? "-" : "";
          texts.push(`${sign}${digits(1 + Math.floor(next() * 22))}${next() < 0.8 ? `.${digits(1 + Math.floor(next() * 9))}` : ""}`);
        }
        expect(differences(texts, (s) => formatNumber(s, language, fractionDigits), (s) => exact(normalizeNumber(s)))).toEqual([]);
      });
    }
  }

  it("writes Persian numbers with the marks Intl writes", () => {
    expect(formatNumber(-1234.5, "fa")).toBe("\u200e\u2212۱\u066c۲۳۴\u066b۵");
    expect(formatNumber("-1234.5", "fa")).toBe(new Intl.NumberFormat("fa-IR").format(-1234.5));
    expect(formatNumber(Number.NaN, "fa")).toBe(new Intl.NumberFormat("fa-IR").format(Number.NaN));
  });
});
