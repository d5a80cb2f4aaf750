import { describe, expect, it } from "vitest";

import { formatDate, formatDateTime, intlLocale, parseIsoDate } from "./dates";
import { toLatinDigits } from "./digits";

describe("calendars", () => {
  it("names the Intl calendar of each choice", () => {
    expect(intlLocale("fa", "jalali")).toBe("fa-IR-u-ca-persian");
    expect(intlLocale("en", "hijri")).toBe("en-GB-u-ca-islamic-civil");
    expect(intlLocale("en", "gregorian")).toBe("en-GB-u-ca-gregory");
  });

  it("shows a date in the Jalali calendar with Persian digits", () => {
    const shown = formatDate("2026-11-22", "fa", "jalali", "short");
    expect(shown).toMatch(/[۰-۹]/);
    expect(toLatinDigits(shown)).toContain("1405");
    expect(formatDate("2026-11-22", "fa", "jalali", "long")).toContain("آذر");
  });

  it("shows a date in the Hijri calendar", () => {
    expect(formatDate("2026-11-22", "en", "hijri", "long")).toContain("1448");
  });

  it("keeps a calendar date on its day in any time zone", () => {
    expect(formatDate("2024-01-01", "en", "gregorian", "long")).toBe("1 January 2024");
  });

  it("shows instants in the given time zone", () => {
    const shown = formatDateTime("2026-11-22T20:45:00Z", "en", "gregorian", { timeZone: "Asia/Tehran" });
    expect(shown).toContain("23 Nov 2026");
    expect(shown).toContain("00:15");
  });

  it("leaves values that are not dates as they are", () => {
    expect(formatDate("soon", "en", "gregorian")).toBe("soon");
    expect(parseIsoDate("2026-02-30")).toBeNull();
    expect(parseIsoDate("2026-02-28")?.toISOString()).toBe("2026-02-28T00:00:00.000Z");
  });
});
