// The customer list's filters live in the URL (shareable, and Back works); these read and write them.
import { isStage, isTier } from "./ladder";
import type { CustomerFilters } from "./queries";

export const SORTS = ["-created_at", "created_at", "display_name", "-display_name", "-updated_at"] as const;
export type SortKey = (typeof SORTS)[number];

function all(params: URLSearchParams, name: string): string[] {
  return params.getAll(name).filter((v) => v.trim() !== "");
}

export function filtersFromParams(params: URLSearchParams): CustomerFilters {
  const filters: CustomerFilters = {};
  const q = params.get("q")?.trim();
  if (q) filters.q = q;
  const stage = all(params, "stage").filter(isStage);
  if (stage.length) filters.stage = stage;
  const tier = all(params, "importance_tier").filter(isTier);
  if (tier.length) filters.importance_tier = tier;
  const owner = all(params, "owner_id");
  if (owner.length) filters.owner_id = owner;
  const tag = all(params, "tag");
  if (tag.length) filters.tag = tag;
  const source = all(params, "source_channel");
  if (source.length) filters.source_channel = source;
  const kind = params.get("kind");
  if (kind === "person" || kind === "organization") filters.kind = kind;
  const sort = params.get("sort");
  if (sort && (SORTS as readonly string[]).includes(sort)) filters.sort = sort;
  return filters;
}

export function paramsFromFilters(filters: CustomerFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  for (const [name, values] of [
    ["stage", filters.stage],
    ["importance_tier", filters.importance_tier],
    ["owner_id", filters.owner_id],
    ["tag", filters.tag],
    ["source_channel", filters.source_channel],
  ] as const) {
    for (const value of values ?? []) params.append(name, value);
  }
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.sort) params.set("sort", filters.sort);
  return params;
}

/** Whether anything narrows the list (search included); the sort does not. */
export function isFiltered(filters: CustomerFilters): boolean {
  return Object.entries(filters).some(([key, value]) => key !== "sort" && value !== undefined && value !== null);
}
