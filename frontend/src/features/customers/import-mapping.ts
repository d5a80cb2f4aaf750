// Which CSV column goes to which customer field: the fields the import API takes, a first guess from
// the column names (English or Persian), the mapping as the API wants it, and where a row error sits.
import { normalizeName } from "./name-match";

/** Fields the API's importer knows, besides `cf.<key>` for custom fields. */
export const IMPORT_FIELDS = [
  "display_name",
  "first_name",
  "last_name",
  "organization_name",
  "kind",
  "job_title",
  "email",
  "phone",
  "tags",
  "preferences",
  "birthday",
  "language",
  "preferred_channel",
  "stage",
  "importance_tier",
  "owner_email",
  "source_channel",
  "source_ref",
  "desired_outcome",
  "target_value",
  "target_currency",
  "strategy_override",
  "consent",
  "consent.email",
  "consent.sms",
  "consent.phone",
  "consent.post",
  "utm.source",
  "utm.medium",
  "utm.campaign",
  "utm.term",
  "utm.content",
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Fields whose cells may hold several values split by a separator (the API's default is ";"). */
export const LIST_FIELDS: readonly string[] = ["email", "phone", "tags", "preferences", "consent"];

export interface ColumnChoice {
  /** The customer field, or null when the column is not imported. */
  field: string | null;
  /** For list fields: what splits several values in one cell; empty means the API's default (;). */
  separator: string;
}

export type Mapping = Record<string, ColumnChoice>;

/** Column names people give each field, in English and Persian (compared after `headerKey`). */
const SYNONYMS: Record<ImportField, string[]> = {
  display_name: ["name", "full name", "display name", "customer", "customer name", "نام کامل", "نام و نام خانوادگی", "نام نمایشی", "نام مشتری", "مشتری"],
  first_name: ["first name", "firstname", "given name", "forename", "نام", "نام کوچک"],
  last_name: ["last name", "lastname", "surname", "family name", "نام خانوادگی", "فامیلی", "نام فامیلی"],
  organization_name: ["organization", "organisation", "company", "company name", "organization name", "business", "شرکت", "سازمان", "نام شرکت", "نام سازمان"],
  kind: ["kind", "type", "customer type", "نوع", "نوع مشتری"],
  job_title: ["job title", "title", "position", "job", "سمت", "عنوان شغلی", "شغل"],
  email: ["email", "e-mail", "emails", "email address", "mail", "ایمیل", "رایانامه", "پست الکترونیک", "پست الکترونیکی", "آدرس ایمیل"],
  phone: ["phone", "phones", "telephone", "tel", "mobile", "cell", "phone number", "mobile number", "تلفن", "موبایل", "همراه", "تلفن همراه", "شماره تلفن", "شماره موبایل", "شماره تماس", "شماره همراه"],
  tags: ["tags", "tag", "labels", "برچسب", "برچسب ها", "برچسبها", "تگ", "تگ ها"],
  preferences: ["preferences", "remember", "ترجیحات", "سلیقه"],
  birthday: ["birthday", "birth date", "date of birth", "dob", "تاریخ تولد", "تولد"],
  language: ["language", "lang", "زبان"],
  preferred_channel: ["preferred channel", "channel preference", "کانال ترجیحی", "راه ارتباط ترجیحی"],
  stage: ["stage", "rung", "ladder", "ladder rung", "مرحله", "پله", "پله نردبان"],
  importance_tier: ["tier", "importance", "importance tier", "اهمیت", "سطح اهمیت", "رده"],
  owner_email: ["owner", "owner email", "owner e-mail", "account owner", "مالک", "مسئول", "ایمیل مالک"],
  source_channel: ["source", "source channel", "lead source", "channel", "منبع", "منبع جذب", "کانال جذب"],
  source_ref: ["source ref", "source reference", "مرجع منبع"],
  desired_outcome: ["desired outcome", "goal", "نتیجه مطلوب", "هدف"],
  target_value: ["target value", "ارزش هدف"],
  target_currency: ["target currency", "currency", "ارز", "واحد پول"],
  strategy_override: ["strategy", "relationship strategy", "راهبرد", "راهبرد ارتباط"],
  consent: ["consent", "consents", "رضایت", "رضایت ها"],
  "consent.email": ["email consent", "consent email", "رضایت ایمیل"],
  "consent.sms": ["sms consent", "consent sms", "رضایت پیامک"],
  "consent.phone": ["phone consent", "consent phone", "رضایت تلفن"],
  "consent.post": ["post consent", "consent post", "رضایت پست"],
  "utm.source": ["utm source"],
  "utm.medium": ["utm medium"],
  "utm.campaign": ["utm campaign", "campaign", "کمپین"],
  "utm.term": ["utm term"],
  "utm.content": ["utm content"],
};

/** A column name as compared: lower case, Persian letters for Arabic ي/ك, no ZWNJ, diacritics or
 * punctuation, single spaces (so "E-mail", "e_mail" and "EMAIL" meet, as do «علي» and «علی»). */
export function headerKey(name: string): string {
  return normalizeName(name.replace(/[\u200e\u200f]/g, ""))
    .replace(/[-_.:/\\()[\]*#]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// "e mail" and "email" both as written; hyphens and dots become spaces in headerKey.
function compact(key: string): string {
  return key.replace(/ /g, "");
}

export interface CustomFieldName {
  key: string;
  label: string;
  label_fa: string | null;
}

/** A first guess for each column: its exact field name (what the API's own export writes), a custom
 * field's key or label, or a known synonym. A field is taken by the first column that matches it. */
export function autoMap(header: string[], customFields: CustomFieldName[] = []): Mapping {
  const lookup = new Map<string, string>();
  const add = (name: string, field: string) => {
    const key = compact(headerKey(name));
    if (key && !lookup.has(key)) lookup.set(key, field);
  };
  for (const field of IMPORT_FIELDS) add(field, field);
  for (const cf of customFields) {
    add(`cf.${cf.key}`, `cf.${cf.key}`);
    add(cf.key, `cf.${cf.key}`);
    add(cf.label, `cf.${cf.key}`);
    if (cf.label_fa) add(cf.label_fa, `cf.${cf.key}`);
  }
  for (const field of IMPORT_FIELDS) for (const name of SYNONYMS[field]) add(name, field);

  const taken = new Set<string>();
  const mapping: Mapping = {};
  for (const column of header) {
    if (!column || column in mapping) continue;
    const field = lookup.get(compact(headerKey(column))) ?? null;
    const free = field !== null && !taken.has(field);
    if (free) taken.add(field);
    mapping[column] = { field: free ? field : null, separator: "" };
  }
  return mapping;
}

/** The mapping as the API's `mapping` form field: JSON of column → field, or {field, separator}. */
export function mappingJson(mapping: Mapping): string {
  const out: Record<string, string | { field: string; separator: string }> = {};
  for (const [column, choice] of Object.entries(mapping)) {
    if (!choice.field) continue;
    const separator = choice.separator.trim() === "" ? "" : choice.separator;
    out[column] = separator && LIST_FIELDS.includes(choice.field) ? { field: choice.field, separator } : choice.field;
  }
  return JSON.stringify(out);
}

export function mappedCount(mapping: Mapping): number {
  return Object.values(mapping).filter((c) => c.field).length;
}

/** Fields chosen for more than one column (the second would overwrite the first). */
export function doubledFields(mapping: Mapping): Set<string> {
  const seen = new Set<string>();
  const doubled = new Set<string>();
  for (const { field } of Object.values(mapping)) {
    if (!field || LIST_FIELDS.includes(field)) continue;
    if (seen.has(field)) doubled.add(field);
    seen.add(field);
  }
  return doubled;
}

/** The import field a row error's `loc` is about: ["emails", 0, "email"] → "email",
 * ["custom_fields", "size"] → "cf.size"; null for the whole row. */
export function fieldOfLoc(loc: readonly (string | number)[]): string | null {
  const [head, next] = loc;
  if (head === undefined) return null;
  if (head === "emails") return "email";
  if (head === "phones") return "phone";
  if (head === "custom_fields" && next !== undefined) return `cf.${String(next)}`;
  if (head === "consent") return next !== undefined && typeof next === "string" ? `consent.${next}` : "consent";
  if (head === "utm" && next !== undefined) return `utm.${String(next)}`;
  return String(head);
}

/** The CSV column(s) a row error points at, as named in the file; the field's name when no column maps
 * to it (e.g. "give a name" when no name column was mapped). */
export function columnOfLoc(loc: readonly (string | number)[], mapping: Record<string, { field: string }>): string | null {
  const field = fieldOfLoc(loc);
  if (field === null) return null;
  const matches = (f: string) => f === field || (field.startsWith("consent.") && f === "consent");
  const columns = Object.entries(mapping)
    .filter(([, spec]) => matches(spec.field))
    .map(([column]) => column);
  return columns.length ? columns.join(", ") : field;
}
