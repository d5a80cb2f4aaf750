// The list's request for a page of rows, apart from queries.ts so that src/app/early-requests.ts can
// start the first page before the app's code (TanStack Query, React) has loaded.
import { apiUrl } from "../../api/early";
import { filtersFromParams } from "./list-filters";
import type { CustomerFilters } from "./queries";

export const LIST_PATH = "/api/v1/customers";
const PAGE_SIZE = 50;

/** The query of one page: the filters, the page size and the cursor after the last row seen. */
export function listPageQuery(filters: CustomerFilters, cursor: string | null) {
  return { ...filters, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
}

/** The URL of the list's first page when this location is the list (its filters in the query), else null. */
export function firstListPageUrl(location: { pathname: string; search: string }): string | null {
  if (!/^\/customers\/?$/.test(location.pathname)) return null;
  return apiUrl(LIST_PATH, listPageQuery(filtersFromParams(new URLSearchParams(location.search)), null));
}
