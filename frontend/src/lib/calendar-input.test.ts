import { describe, expect, it } from "vitest";

import { isoToPicker, pickerToIso, typedToIso } from "./calendar-input";
import { formatDate } from "./dates";
import { toLatinDigits } from "./digits";

describe("date picker conversions", () => {
  it("shows an ISO date in the Jalali calendar and converts it back", () => {
    const picked = isoToPicker("2026-11-22", "jalali", "en");
    expect(picked?.format("YYYY/MM/DD")).toBe("1405/09/01");
    expect(pickerToIso(picked)).toBe("2026-11-22");
  });

  it("writes Persian digits for Persian and still returns a plain ISO date", () => {
    const picked = isoToPicker("2024-03-20", "jalali", "fa");
    expect(picked?.format("YYYY/MM/DD")).toBe("۱۴۰۳/۰۱/۰۱");
    expect(pickerToIso(picked)).toBe("2024-03-20");
  });

  it("agrees with the Hijri dates the app displays", () => {
    for (const iso of ["2019-05-06", "2023-01-01", "2025-06-27", "2026-11-22"]) {
      const picked = isoToPicker(iso, "hijri", "en");
      const shown = formatDate(iso, "en", "hijri", "short");
      const [day, month, year] = toLatinDigits(shown).split(/\D+/).map(Number);
      expect([picked?.year, picked?.month.number, picked?.day]).toEqual([year, month, day]);
      expect(pickerToIso(picked)).toBe(iso);
    }
  });

  it("reads typed dates in any digits and refuses impossible ones", () => {
    expect(typedToIso("۱۴۰۵/۰۹/۰۱", "jalali")).toBe("2026-11-22");
    expect(typedToIso("1405-9-1", "jalali")).toBe("2026-11-22");
    expect(typedToIso("٢٠٢٦/١١/٢٢", "gregorian")).toBe("2026-11-22");
    expect(typedToIso("2026/02/30", "gregorian")).toBeNull();
    expect(typedToIso("tomorrow", "gregorian")).toBeNull();
  });

  it("has no date for nothing", () => {
    expect(isoToPicker(null, "gregorian", "en")).toBeNull();
    expect(pickerToIso(null)).toBeNull();
  });
});
