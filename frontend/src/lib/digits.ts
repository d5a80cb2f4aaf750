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

/** A number or exact decimal string ("1250000.00") grouped in the viewer's digits. Decimal strings are
 * formatted exactly, never through a float. */
export function formatNumber(value: number | string, language: Language, maximumFractionDigits = 2): string {
  const format = numberFormat(numberLocale(language), { maximumFractionDigits });
  if (typeof value === "number") return format.format(value);
  const text = normalizeNumber(value);
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return localizeDigits(value, language);
  // Intl formats a numeric string exactly (no float rounding) in current engines.
  return (format.format as unknown as (v: string) => string)(text);
}
