// Names and short texts compared as the API normalises them (api/core/text): Arabic ي/ك as Persian
// ی/ک, no ZWNJ or diacritics, any digits, any case.
import { toLatinDigits } from "../../lib/digits";

export function normalizeName(text: string): string {
  return toLatinDigits(text)
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u064a\u0649]/g, "\u06cc")
    .replace(/\u0643/g, "\u06a9")
    .replace(/[\u064b-\u065f\u0670]/g, "")
    .replace(/[\u200c\u200d]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The typed confirmation of an erasure: the customer's name as shown, normalised. */
export function confirmsName(typed: string, name: string): boolean {
  const a = normalizeName(typed);
  return a !== "" && a === normalizeName(name);
}
