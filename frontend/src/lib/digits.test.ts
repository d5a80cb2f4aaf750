import { describe, expect, it } from "vitest";

import { formatNumber, localizeDigits, normalizeNumber, parseNumber, toLatinDigits, toPersianDigits } from "./digits";

describe("digits", () => {
  it("reads Persian and Arabic-Indic digits as 0-9", () => {
    expect(toLatinDigits("۰۹۱۲ ٣٤٥ 6789")).toBe("0912 345 6789");
  });

  it("writes Persian digits", () => {
    expect(toPersianDigits("1405/09/01")).toBe("۱۴۰۵/۰۹/۰۱");
    expect(toPersianDigits("٣")).toBe("۳");
  });

  it("localizes to the viewer's language", () => {
    expect(localizeDigits("42", "fa")).toBe("۴۲");
    expect(localizeDigits("۴۲", "en")).toBe("42");
  });

  it("normalizes typed numbers with Persian separators", () => {
    expect(normalizeNumber(" ۱٬۲۵۰٫۵ ")).toBe("1250.5");
    expect(normalizeNumber("1,250,000")).toBe("1250000");
  });

  it("parses numbers and refuses text", () => {
    expect(parseNumber("۴۲")).toBe(42);
    expect(parseNumber("-3.5")).toBe(-3.5);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("12abc")).toBeNull();
  });

  it("formats exact decimals in the viewer's digits", () => {
    expect(formatNumber("1250000.00", "en")).toBe("1,250,000");
    expect(formatNumber("12345678901234567.25", "en")).toBe("12,345,678,901,234,567.25");
    expect(toLatinDigits(formatNumber(1250000, "fa"))).toMatch(/^1.250.000$/);
    expect(formatNumber(7, "fa")).toBe("۷");
  });
});
