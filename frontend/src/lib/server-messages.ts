// What the API says about a refused value, in the viewer's language. Every field error carries a stable
// `type` code and a `ctx` with the values its message names; `msg` is English. Known codes are worded by
// the locales (serverErrors.*), unknown ones fall back to `msg` in English and to a generic message in
// Persian: a Persian reader never gets the server's English.
import i18next from "i18next";

import { ltrText } from "./bidi";
import { formatNumber, type Language, localizeDigits } from "./digits";

/** A field error as the API sends it (422 problems, import rows); everything but msg may be missing. */
export interface ServerFieldError {
  msg?: unknown;
  type?: unknown;
  ctx?: unknown;
}

/** The ctx value a code's count-dependent wording (e.g. "1 character" / "2 characters") counts. */
const COUNTED: Record<string, string> = {
  string_too_short: "min_length",
  string_too_long: "max_length",
  too_short: "min_length",
  too_long: "max_length",
  decimal_max_digits: "max_digits",
  decimal_max_places: "decimal_places",
  custom_field_too_long: "max_length",
  choice_length: "max_length",
  stage_skip_reason_required: "skipped",
};

const STAGE_VALUES = new Set(["stage", "from_stage", "lapsed_from"]);
const KIND_VALUES = new Set(["duplicate_kind", "survivor_kind"]);
// Bounds arrive as strings for decimals ("0.01"); a typed value (a phone) is never grouped as a number.
const BOUNDS = new Set(["gt", "ge", "lt", "le"]);
// Pydantic names the allowed values of an enum or literal as one string: "'person' or 'organization'".
const QUOTED = /'([^']*)'/g;

export function currentLanguage(): Language {
  return (i18next.resolvedLanguage ?? i18next.language ?? "en").startsWith("fa") ? "fa" : "en";
}

/** Several values in a sentence: «، » in Persian, ", " in English. */
export function joinList(items: string[], language: Language = currentLanguage()): string {
  return items.join(language === "fa" ? "، " : ", ");
}

/** Several messages about one field: a sentence is followed by a space, anything else by "؛ " in
 * Persian and "; " in English. */
export function joinMessages(items: string[], language: Language = currentLanguage()): string {
  const separator = language === "fa" ? "؛ " : "; ";
  return items.reduce((text, item, i) => (i ? `${text}${/[.!?؟]$/.test(text) ? " " : separator}${item}` : item), "");
}

/** Text the server wrote in English, or undefined when the viewer reads Persian (or there is none). */
export function serverText(text: string | null | undefined): string | undefined {
  return currentLanguage() === "en" && text ? text : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A name the locales give a machine value ("first_time" → "First-time buyer"), if they have one. */
function named(section: string, value: string): string | null {
  if (!/^[a-zA-Z0-9_]+$/.test(value)) return null;
  const key = `${section}.${value}`;
  return i18next.exists(key) ? i18next.t(key) : null;
}

/** One ctx value as the message shows it: numbers in the viewer's digits, rungs and kinds by their
 * translated names, what people typed or must type as a left-to-right island. */
function formatValue(name: string, value: unknown, language: Language): string {
  if (Array.isArray(value)) return joinList(value.map((v) => formatValue(name, v, language)), language);
  if (typeof value === "number") return formatNumber(value, language, 6);
  if (typeof value === "boolean") return i18next.t(value ? "common.yes" : "common.no");
  if (typeof value !== "string") return "";
  const translated =
    (STAGE_VALUES.has(name) && named("stages", value)) ||
    (KIND_VALUES.has(name) && named("kinds", value)) ||
    (name === "field_type" && named("fieldTypes", value)) ||
    (name === "field" && named("imports.fields", value.replace(".", "_")));
  if (translated) return translated;
  if (BOUNDS.has(name) && /^[-+]?\d+(\.\d+)?$/.test(value)) return formatNumber(value, language, 6);
  if (name === "expected") {
    const allowed = [...value.matchAll(QUOTED)].map((m) => m[1] ?? "");
    if (allowed.length) return joinList(allowed.map((v) => (language === "fa" ? ltrText(v) : v)), language);
  }
  return language === "fa" ? ltrText(localizeDigits(value, language)) : value;
}

/** The message for one field error in the viewer's language. */
export function serverMessage(error: ServerFieldError): string {
  const language = currentLanguage();
  const type = typeof error.type === "string" ? error.type : "";
  const ctx = isRecord(error.ctx) ? error.ctx : {};
  const english = typeof error.msg === "string" ? error.msg : "";
  const fallback = language === "en" && english ? english : i18next.t("errors.invalidValue");

  // An import row refused as a whole carries a problem kind ("duplicate-customer", "conflict").
  if (/^[a-z]+(-[a-z]+)*$/.test(type) && i18next.exists(`errors.kinds.${type}`)) return i18next.t(`errors.kinds.${type}`);
  if (!/^[a-z_]+$/.test(type)) return fallback;

  // The values go in `replace`, so that no ctx name can pass for one of i18next's options.
  const replace: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx)) replace[name] = formatValue(name, value, language);
  const counted = COUNTED[type];
  const count = counted ? ctx[counted] : undefined;
  // A value the server could not name (a lapsed customer's old rung) has its own wording, where there is one.
  const unknown = Object.values(ctx).some((v) => v === null);
  const options = {
    replace,
    ...(typeof count === "number" ? { count } : {}),
    ...(unknown ? { context: "unknown" } : {}),
    interpolation: { escapeValue: false },
  };

  const key = `serverErrors.${type}`;
  return i18next.exists(key, options) ? i18next.t(key, options) : fallback;
}
