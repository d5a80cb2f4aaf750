// The customer form's values and how they become API bodies: a create sends what was filled in, an
// edit sends only what changed (lists are replaced whole, consent only for channels whose answer changed).
import type { CustomerCreate, CustomerRead, CustomerUpdate, CustomFieldRead, Kind } from "../../api/types";
import { normalizeNumber, parseNumber, toLatinDigits } from "../../lib/digits";
import { CHANNELS, type Channel } from "./ladder";

export interface EmailRow {
  email: string;
  label: string;
  is_primary: boolean;
}

export interface PhoneRow {
  number: string;
  label: string;
  is_primary: boolean;
}

export interface AddressRow {
  label: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  /** ISO 3166-1 alpha-2 ("IR"). */
  country: string;
  is_primary: boolean;
}

export const ADDRESS_PARTS = ["label", "line1", "line2", "city", "region", "postal_code", "country"] as const;

export function emptyAddress(isPrimary: boolean): AddressRow {
  return { label: "", line1: "", line2: "", city: "", region: "", postal_code: "", country: "", is_primary: isPrimary };
}

/** A channel's consent as the form holds it: unknown (never asked), granted or withdrawn. */
export type ConsentAnswer = "unknown" | "granted" | "withdrawn";

export type CustomValue = string | boolean | null;

export interface CustomerFormValues {
  kind: Kind;
  stage: "suspect" | "prospect";
  display_name: string;
  first_name: string;
  last_name: string;
  organization_name: string;
  job_title: string;
  birthday: string | null;
  language: "" | "en" | "fa";
  preferred_channel: "" | Channel;
  emails: EmailRow[];
  phones: PhoneRow[];
  addresses: AddressRow[];
  tags: string[];
  preferences: string[];
  importance_tier: "" | "A" | "B" | "C";
  owner_id: string | null;
  source_channel: string;
  source_ref: string;
  desired_outcome: string;
  target_value: string;
  target_currency: string;
  strategy_override: "" | "basic" | "reactive" | "accountable" | "proactive" | "partnership";
  consent: Record<Channel, ConsentAnswer>;
  /** How the consent changes were obtained (the API records it with each change). */
  consent_source: string;
  custom_fields: Record<string, CustomValue>;
}

const NO_CONSENT: Record<Channel, ConsentAnswer> = { email: "unknown", sms: "unknown", phone: "unknown", post: "unknown" };

export function emptyValues(kind: Kind = "person"): CustomerFormValues {
  return {
    kind,
    stage: "suspect",
    display_name: "",
    first_name: "",
    last_name: "",
    organization_name: "",
    job_title: "",
    birthday: null,
    language: "",
    preferred_channel: "",
    emails: [{ email: "", label: "", is_primary: true }],
    phones: [{ number: "", label: "", is_primary: true }],
    addresses: [],
    tags: [],
    preferences: [],
    importance_tier: "",
    owner_id: null,
    source_channel: "",
    source_ref: "",
    desired_outcome: "",
    target_value: "",
    target_currency: "",
    strategy_override: "",
    consent: { ...NO_CONSENT },
    consent_source: "",
    custom_fields: {},
  };
}

function consentAnswer(raw: unknown): ConsentAnswer {
  if (typeof raw !== "object" || raw === null) return "unknown";
  const granted = (raw as { granted?: unknown }).granted;
  return granted === true ? "granted" : granted === false ? "withdrawn" : "unknown";
}

function customValue(field: CustomFieldRead, raw: unknown): CustomValue {
  if (raw === undefined || raw === null) return null;
  if (field.type === "boolean") return raw === true;
  return String(raw);
}

function pick<T extends string>(value: string | null | undefined, allowed: readonly T[]): T | "" {
  return value && (allowed as readonly string[]).includes(value) ? (value as T) : "";
}

/** The form's values for an existing customer. */
export function valuesFromCustomer(c: CustomerRead, fields: CustomFieldRead[]): CustomerFormValues {
  const consent = { ...NO_CONSENT };
  for (const channel of CHANNELS) consent[channel] = consentAnswer(c.consent[channel]);
  const custom: Record<string, CustomValue> = {};
  for (const field of fields) custom[field.key] = customValue(field, c.custom_fields[field.key]);
  return {
    kind: c.kind,
    stage: c.stage === "prospect" ? "prospect" : "suspect",
    display_name: c.display_name,
    first_name: c.first_name ?? "",
    last_name: c.last_name ?? "",
    organization_name: c.organization_name ?? "",
    job_title: c.job_title ?? "",
    birthday: c.birthday,
    language: pick(c.language, ["en", "fa"] as const),
    preferred_channel: pick(c.preferred_channel, CHANNELS),
    emails: c.emails.map((e) => ({ email: e.email, label: e.label ?? "", is_primary: e.is_primary })),
    phones: c.phones.map((p) => ({ number: p.raw || p.e164, label: p.label ?? "", is_primary: p.is_primary })),
    addresses: c.addresses.map((a) => ({
      label: a.label ?? "",
      line1: a.line1,
      line2: a.line2 ?? "",
      city: a.city ?? "",
      region: a.region ?? "",
      postal_code: a.postal_code ?? "",
      country: a.country ?? "",
      is_primary: a.is_primary,
    })),
    tags: [...c.tags],
    preferences: [...c.preferences],
    importance_tier: c.importance_tier ?? "",
    owner_id: c.owner_id,
    source_channel: c.source_channel ?? "",
    source_ref: c.source_ref ?? "",
    desired_outcome: c.desired_outcome ?? "",
    target_value: c.target_value ?? "",
    target_currency: c.target_currency ?? "",
    strategy_override: pick(c.strategy_override, ["basic", "reactive", "accountable", "proactive", "partnership"] as const),
    consent,
    consent_source: "",
    custom_fields: custom,
  };
}

function text(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function customForApi(field: CustomFieldRead, value: CustomValue): unknown {
  if (value === null || value === "") return null;
  if (field.type === "boolean") return value === true;
  if (field.type === "number" && typeof value === "string") return parseNumber(value) ?? value;
  return typeof value === "string" ? value.trim() : value;
}

/** Every scalar and list field the API takes, from the form (consent and custom fields aside). */
function fields(v: CustomerFormValues): CustomerUpdate {
  const emails = v.emails.filter((e) => e.email.trim() !== "");
  const phones = v.phones.filter((p) => p.number.trim() !== "");
  // A row with anything typed is sent, so a missing first line comes back as that row's field error.
  const addresses = v.addresses.filter((a) => ADDRESS_PARTS.some((part) => a[part].trim() !== ""));
  return {
    display_name: text(v.display_name),
    first_name: v.kind === "person" ? text(v.first_name) : null,
    last_name: v.kind === "person" ? text(v.last_name) : null,
    organization_name: text(v.organization_name),
    job_title: v.kind === "person" ? text(v.job_title) : null,
    birthday: v.kind === "person" ? v.birthday : null,
    language: v.language || null,
    preferred_channel: v.preferred_channel || null,
    emails: emails.map((e) => ({ email: e.email.trim(), label: text(e.label), is_primary: e.is_primary })),
    phones: phones.map((p) => ({ number: p.number.trim(), label: text(p.label), is_primary: p.is_primary })),
    addresses: addresses.map((a) => ({
      label: text(a.label),
      line1: a.line1.trim(),
      line2: text(a.line2),
      city: text(a.city),
      region: text(a.region),
      postal_code: text(a.postal_code) === null ? null : toLatinDigits(a.postal_code.trim()),
      country: text(a.country)?.toUpperCase() ?? null,
      is_primary: a.is_primary,
    })),
    tags: v.tags,
    preferences: v.preferences.map((p) => p.trim()).filter(Boolean),
    importance_tier: v.importance_tier || null,
    owner_id: v.owner_id,
    source_channel: text(v.source_channel),
    source_ref: text(v.source_ref),
    desired_outcome: text(v.desired_outcome),
    target_value: text(v.target_value) === null ? null : normalizeNumber(v.target_value),
    target_currency: text(v.target_currency)?.toUpperCase() ?? null,
    strategy_override: v.strategy_override || null,
  };
}

function consentChanges(v: CustomerFormValues, before: Record<Channel, ConsentAnswer>): CustomerUpdate["consent"] {
  const out: NonNullable<CustomerUpdate["consent"]> = {};
  for (const channel of CHANNELS) {
    const answer = v.consent[channel];
    if (answer === "unknown" || answer === before[channel]) continue;
    out[channel] = { granted: answer === "granted", source: text(v.consent_source) ?? "crm" };
  }
  return Object.keys(out).length ? out : null;
}

function customChanges(
  v: CustomerFormValues,
  fieldDefs: CustomFieldRead[],
  before: Record<string, CustomValue>,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const field of fieldDefs) {
    const value = v.custom_fields[field.key] ?? null;
    if (JSON.stringify(value) === JSON.stringify(before[field.key] ?? null)) continue;
    out[field.key] = customForApi(field, value);
  }
  return Object.keys(out).length ? out : null;
}

/** The body of POST /customers: only what was filled in. */
export function createBody(v: CustomerFormValues, fieldDefs: CustomFieldRead[]): CustomerCreate {
  const body: CustomerCreate = { kind: v.kind, stage: v.stage };
  for (const [key, value] of Object.entries(fields(v))) {
    if (value !== null && !(Array.isArray(value) && value.length === 0)) {
      (body as Record<string, unknown>)[key] = value;
    }
  }
  const consent = consentChanges(v, NO_CONSENT);
  if (consent) body.consent = consent;
  const custom = customChanges(v, fieldDefs, {});
  if (custom) {
    for (const key of Object.keys(custom)) if (custom[key] === null) delete custom[key];
    if (Object.keys(custom).length) body.custom_fields = custom;
  }
  return body;
}

/** The body of PATCH /customers/{id}: the fields that differ from the customer as it was loaded. */
export function updateBody(v: CustomerFormValues, initial: CustomerFormValues, fieldDefs: CustomFieldRead[]): CustomerUpdate {
  const now = fields(v);
  const was = fields(initial);
  const body: CustomerUpdate = {};
  for (const key of Object.keys(now) as (keyof CustomerUpdate)[]) {
    if (JSON.stringify(now[key]) !== JSON.stringify(was[key])) {
      (body as Record<string, unknown>)[key] = now[key];
    }
  }
  const consent = consentChanges(v, initial.consent);
  if (consent) body.consent = consent;
  const custom = customChanges(v, fieldDefs, initial.custom_fields);
  if (custom) body.custom_fields = custom;
  return body;
}

/** Whether a form path ("emails.0.email", "custom_fields.size") is one the form shows beside a field. */
export function isFormPath(path: string): boolean {
  return (
    /^(emails|phones)\.\d+\.(email|number|label)$/.test(path) ||
    /^addresses\.\d+\.(label|line1|line2|city|region|postal_code|country)$/.test(path) ||
    /^custom_fields\.[a-z][a-z0-9_]*$/.test(path) ||
    /^consent(\.|$)/.test(path) ||
    [
      "display_name", "first_name", "last_name", "organization_name", "job_title", "birthday", "language",
      "preferred_channel", "tags", "preferences", "importance_tier", "owner_id", "source_channel", "source_ref",
      "desired_outcome", "target_value", "target_currency", "strategy_override", "emails", "phones", "addresses", "custom_fields",
    ].includes(path)
  );
}
