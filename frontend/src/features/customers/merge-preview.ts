// What a merge will do, as far as the two records show it, following the API's rules (merge.py): the
// survivor keeps its values and takes the duplicate's only where it has none; e-mails, phones,
// addresses, tags and preferences it lacks move over; value adds up; the higher main rung wins.
import type { CustomerRead, Stage } from "../../api/types";
import { LADDER } from "./ladder";
import { normalizeName } from "./name-match";

/** Fields the survivor takes from the duplicate only when its own is empty (merge.py's _FILL). */
export const FILLED_FIELDS = [
  "first_name",
  "last_name",
  "organization_name",
  "job_title",
  "birthday",
  "language",
  "preferred_channel",
  "source_channel",
  "source_ref",
  "importance_tier",
  "desired_outcome",
  "target_value",
  "target_currency",
  "strategy_override",
] as const;

export type FilledField = (typeof FILLED_FIELDS)[number];

export interface MergePreview {
  emails: string[];
  phones: string[];
  addresses: number;
  tags: string[];
  preferences: string[];
  fields: FilledField[];
  customFields: string[];
  /** The survivor climbs to the duplicate's rung (main ladder only). */
  climbsTo: Stage | null;
  revenueAdded: string;
  purchasesAdded: number;
  /** Different kinds cannot be merged (the API refuses). */
  kindsDiffer: boolean;
}

const norm = normalizeName;

function addressKey(a: CustomerRead["addresses"][number]): string {
  const record = a as Record<string, unknown>;
  return ["line1", "line2", "city", "region", "postal_code", "country"]
    .map((k) => norm(typeof record[k] === "string" ? (record[k] as string) : ""))
    .join("|");
}

function empty(value: unknown): boolean {
  return value === null || value === undefined;
}

export function mergePreview(survivor: CustomerRead, duplicate: CustomerRead): MergePreview {
  const haveEmails = new Set(survivor.emails.map((e) => e.email.toLowerCase()));
  const havePhones = new Set(survivor.phones.map((p) => p.e164));
  const haveAddresses = new Set(survivor.addresses.map(addressKey));
  const haveTags = new Set(survivor.tags);
  const havePrefs = new Set(survivor.preferences.map(norm));
  const a = LADDER.indexOf(survivor.stage);
  const b = LADDER.indexOf(duplicate.stage);
  return {
    emails: duplicate.emails.map((e) => e.email).filter((e) => !haveEmails.has(e.toLowerCase())),
    phones: duplicate.phones.map((p) => p.e164).filter((p) => !havePhones.has(p)),
    addresses: duplicate.addresses.filter((x) => !haveAddresses.has(addressKey(x))).length,
    tags: [...new Set(duplicate.tags.filter((tag) => !haveTags.has(tag)))].sort(),
    preferences: duplicate.preferences.filter((p) => !havePrefs.has(norm(p))),
    fields: FILLED_FIELDS.filter((f) => empty(survivor[f]) && !empty(duplicate[f])),
    customFields: Object.keys(duplicate.custom_fields).filter((k) => !(k in survivor.custom_fields)).sort(),
    climbsTo: a >= 0 && b > a ? duplicate.stage : null,
    revenueAdded: duplicate.lifetime_revenue,
    purchasesAdded: duplicate.purchase_count,
    kindsDiffer: survivor.kind !== duplicate.kind,
  };
}

/** Whether the merge moves anything beyond the duplicate's history. */
export function movesAnything(p: MergePreview): boolean {
  return Boolean(
    p.emails.length || p.phones.length || p.addresses || p.tags.length || p.preferences.length || p.fields.length ||
      p.customFields.length || p.climbsTo || p.purchasesAdded,
  );
}

