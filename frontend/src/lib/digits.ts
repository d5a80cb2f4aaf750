// Digits as people type and read them: Persian (۰–۹) and Arabic-Indic (٠–٩) in, the viewer's digits out.
import { numberFormat } from "./intl-cache";

const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC = "٠١٢٣٤٥٦٧٨٩";

export type Language = "en" | "fa";

/** Persian and Arabic-Indic digits to 0–9; everything else unchanged. */
export function toLatinDigits(text: string): string {
  return text.replace(/[۰-۹٠-٩]/g, (d) => {
    const persian = PERSIAN.indexOf(d);
    return String(persian >= 0 ? persian : ARABIC.indexOf(d));
  });
}

/** 0–9 (and Arabic-Indic digits) to Persian digits. */
export function toPersianDigits(text: string): string {
  return toLatinDigits(text).replace(/[0-9]/g, (d) => PERSIAN[Number(d)] ?? d);
}

/** Digits in the viewer's script: Persian for Persian, 0–9 otherwise. */
export function localizeDigits(text: string, language: Language): string {
  return language === "fa" ? toPersianDigits(text) : toLatinDigits(text);
}

/** What a person typed as a number, as the API reads it: 0–9 digits, "." decimals, no grouping.
 * Accepts the Arabic decimal separator (٫) and thousands separators (٬ and ,). */
export function normalizeNumber(text: string): string {
  return toLatinDigits(text).trim().replace(/٫/g, ".").replace(/[٬,\s]/g, "");
}

/** A typed number, or null when the text is not one (empty text included). */
export function parseNumber(text: string): number | null {
  const normal = normalizeNumber(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(normal)) return null;
  return Number(normal);
}

export function numberLocale(language: Language): string {
  return language === "fa" ? "fa-IR" : "en-US";
}

// How Intl.NumberFormat (en-US, fa-IR; maximumFractionDigits, the rest default) writes a number,
// done by hand: the first Intl object of a page loads ICU's locale data (15–70 ms) before the customer
// list could show. Persian writes its minus as a left-to-right mark and U+2212, as ICU does.
const SYMBOLS: Record<Language, { group: string; decimal: string; minus: string }> = {
  en: { group: ",", decimal: ".", minus: "-" },
  fa: { group: "\u066c", decimal: "\u066b", minus: "\u200e\u2212" },
};

/** The decimal digits of a finite number as JavaScript writes it (its shortest round-trip form, which
 * ICU formats too), without an exponent: [integer digits, fraction digits]. */
function plainDigits(magnitude: number): [string, string] {
  const [mantissa = "0", exponent] = String(magnitude).split("e");
  const [whole = "0", fraction = ""] = mantissa.split(".");
  if (exponent === undefined) return [whole, fraction];
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return ["0", "0".repeat(-point) + digits];
  if (point >= digits.length) return [digits + "0".repeat(point - digits.length), ""];
  return [digits.slice(0, point), digits.slice(point)];
}

/** Adds one to a string of decimal digits. */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  return (i < 0 ? "1" : digits.slice(0, i) + String(Number(digits[i]) + 1)) + "0".repeat(digits.length - 1 - i);
}

/** A decimal (sign and digits) rounded half away from zero to at most ``fractionDigits`` decimals,
 * trailing zeros dropped and the integer part grouped by three, in the viewer's digits and symbols. */
function writeDecimal(negative: boolean, whole: string, fraction: string, language: Language, fractionDigits: number): string {
  if (fraction.length > fractionDigits) {
    const up = fraction.charCodeAt(fractionDigits) >= 53; // "5"
    fraction = fraction.slice(0, fractionDigits);
    if (up) {
      const rounded = increment(whole + fraction);
      whole = rounded.slice(0, rounded.length - fraction.length);
      fraction = rounded.slice(rounded.length - fraction.length);
    }
  }
  fraction = fraction.replace(/0+$/, "");
  whole = whole.replace(/^0+(?=\d)/, "");
  const { group, decimal, minus } = SYMBOLS[language];
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += group + whole.slice(i, i + 3);
  const text = (negative ? minus : "") + grouped + (fraction ? decimal + fraction : "");
  return language === "fa" ? toPersianDigits(text) : text;
}

/** A number or exact decimal string ("1250000.00") grouped in the viewer's digits, as Intl.NumberFormat
 * writes it. Decimal strings are formatted exactly, never through a float. */
export function formatNumber(value: number | string, language: Language, maximumFractionDigits = 2): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return numberFormat(numberLocale(language), { maximumFractionDigits }).format(value);
    const [whole, fraction] = plainDigits(Math.abs(value));
    return writeDecimal(value < 0 || Object.is(value, -0), whole, fraction, language, maximumFractionDigits);
  }
  const text = normalizeNumber(value);
  const match = /^([-+]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return localizeDigits(value, language);
  return writeDecimal(match[1] === "-", match[2] ?? "0", match[3] ?? "", language, maximumFractionDigits);
}
