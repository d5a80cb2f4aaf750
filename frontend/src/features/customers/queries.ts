// Everything the customer screens ask of the API: query options, hooks and mutations. Mutations
// invalidate by key prefix (["customers"] covers every list, search and record).
import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import { api, call, callTagged, request, type Tagged, unwrap } from "../../api/client";
import { useMe } from "../../api/me";
import type {
  CustomerCreate,
  CustomerListQuery,
  CustomerRead,
  CustomerUpdate,
  Colleague,
  Stage,
} from "../../api/types";
import type { components } from "../../api/schema";
import { useCallback, useEffect, useMemo } from "react";
import { pollInterval } from "./import-status";
import { listPageQuery } from "./list-request";

export type CustomerFilters = Pick<
  CustomerListQuery,
  "q" | "stage" | "owner_id" | "tag" | "source_channel" | "importance_tier" | "kind" | "sort"
>;

export const customerKeys = {
  all: ["customers"] as const,
  lists: () => [...customerKeys.all, "list"] as const,
  list: (filters: CustomerFilters) => [...customerKeys.lists(), filters] as const,
  search: (q: string) => [...customerKeys.all, "search", q] as const,
  detail: (id: string) => [...customerKeys.all, "detail", id] as const,
  history: (id: string) => [...customerKeys.detail(id), "stage-history"] as const,
  contacts: (id: string) => [...customerKeys.detail(id), "contacts"] as const,
  value: (id: string) => [...customerKeys.detail(id), "value"] as const,
  strategy: (id: string) => [...customerKeys.detail(id), "strategy"] as const,
  customFields: ["custom-fields"] as const,
  users: ["users", "directory"] as const,
};

/** The list over keyset cursors: each page asks for the rows after the last one it saw. */
export function customerListQuery(filters: CustomerFilters) {
  return infiniteQueryOptions({
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET("/api/v1/customers", {
          params: { query: listPageQuery(filters, pageParam) },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
  });
}

export function useCustomerList(filters: CustomerFilters) {
  return useInfiniteQuery({ ...customerListQuery(filters), placeholderData: keepPreviousData });
}

/** Ask for a list before the screen shows it: the search box starts its request the moment typing
 * pauses instead of after the URL, the router and a render have caught up (150–450 ms on a busy
 * machine). The list then finds the request in flight and waits for that one. */
export function usePrefetchCustomerList() {
  const queryClient = useQueryClient();
  return useCallback(
    (filters: CustomerFilters) => void queryClient.prefetchInfiniteQuery(customerListQuery(filters)),
    [queryClient],
  );
}

/** A few matches for the search box as the person types. */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: customerKeys.search(q),
    queryFn: ({ signal }) => call(api.GET("/api/v1/customers", { params: { query: { q, limit: 8 } }, signal })),
    enabled: q.trim().length > 0,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function customerQuery(id: string) {
  return queryOptions({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) =>
      callTagged(api.GET("/api/v1/customers/{customer_id}", { params: { path: { customer_id: id } }, signal })),
  });
}

export function useCustomer(id: string) {
  return useQuery(customerQuery(id));
}

/** Only the customer's name, for links to other customers (the referrer, contacts). */
export function useCustomerName(id: string | null | undefined) {
  return useQuery({ ...customerQuery(id ?? ""), enabled: Boolean(id), select: (c) => c.data.display_name });
}

export function useStageHistory(id: string) {
  return useQuery({
    queryKey: customerKeys.history(id),
    queryFn: () =>
      call(api.GET("/api/v1/customers/{customer_id}/stage-history", { params: { path: { customer_id: id } } })),
  });
}

export function useContacts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.contacts(id),
    queryFn: () => call(api.GET("/api/v1/customers/{customer_id}/contacts", { params: { path: { customer_id: id } } })),
    enabled,
  });
}

export function useCustomerValue(id: string) {
  return useQuery({
    queryKey: customerKeys.value(id),
    queryFn: () => call(api.GET("/api/v1/customers/{customer_id}/value", { params: { path: { customer_id: id } } })),
  });
}

export function useStrategy(id: string) {
  return useQuery({
    queryKey: customerKeys.strategy(id),
    queryFn: () => call(api.GET("/api/v1/customers/{customer_id}/strategy", { params: { path: { customer_id: id } } })),
  });
}

/** The active custom field definitions, in display order. */
export function useCustomFields() {
  return useQuery({
    queryKey: customerKeys.customFields,
    queryFn: () => call(api.GET("/api/v1/custom-fields", { params: { query: { is_active: true, limit: 200 } } })),
    select: (page) => page.items,
    staleTime: 5 * 60_000,
  });
}

// The API names at most this many users per request (`id=` repeated).
const DIRECTORY_BATCH = 200;
const PICKER_SIZE = 50;

const colleagueKey = (id: string) => [...customerKeys.users, "id", id] as const;

/** Names the given users (a page's owners, a record's stage-history actors). Only the ids not known yet
 * are asked for, 200 to a request, in one query keyed by the sorted ids; every answer is also kept per
 * id (null: no such user), so the next page asks only for its new owners. Replaces walking the whole
 * directory (50 requests for the 10,000 users of the 1M bench). */
export function useColleagues(ids: readonly (string | null | undefined)[]) {
  const queryClient = useQueryClient();
  const me = useMe();
  const joined = ids.filter(Boolean).join(",");
  const wanted = useMemo(() => [...new Set(joined ? joined.split(",") : [])].sort(), [joined]);
  const missing = wanted.filter((id) => queryClient.getQueryData(colleagueKey(id)) === undefined);
  const batch = useQuery({
    queryKey: [...customerKeys.users, "ids", missing],
    queryFn: async ({ signal }) => {
      const found: Colleague[] = [];
      for (let i = 0; i < missing.length; i += DIRECTORY_BATCH) {
        const id = missing.slice(i, i + DIRECTORY_BATCH);
        const page = await call(api.GET("/api/v1/users/directory", { params: { query: { id, limit: id.length } }, signal }));
        found.push(...page.items);
      }
      const byId = new Map(found.map((u) => [u.id, u]));
      for (const id of missing) queryClient.setQueryData(colleagueKey(id), byId.get(id) ?? null);
      return found;
    },
    enabled: missing.length > 0,
    staleTime: 10 * 60_000,
  });
  const meId = me.data?.id ?? null;
  const meName = me.data?.full_name ?? "";
  const ready = batch.dataUpdatedAt;
  const colleague = useCallback(
    (id: string | null): Colleague | null =>
      id === null ? null : (queryClient.getQueryData<Colleague | null>(colleagueKey(id)) ?? null),
    // `ready` changes when a batch lands: the names it brought are then in the per-id cache.
    [queryClient, ready, joined],
  );
  const ownerName = useCallback(
    (id: string | null) => (id === null ? "" : (colleague(id)?.full_name ?? (id === meId ? meName : ""))),
    [colleague, meId, meName],
  );
  return { colleague, ownerName, meId, loading: batch.isFetching };
}

/** The owner pickers' choices: up to 50 people whose name matches `search` (asked of the API, only
 * while the picker is open), plus the chosen ones by id. */
export function useOwnerChoices(search: string, chosen: readonly (string | null)[], open: boolean) {
  const q = search.trim();
  const queryClient = useQueryClient();
  const matches = useQuery({
    queryKey: [...customerKeys.users, "search", q],
    queryFn: async ({ signal }) => {
      const page = await call(
        api.GET("/api/v1/users/directory", {
          params: { query: { limit: PICKER_SIZE, sort: "full_name", ...(q ? { q } : {}) } },
          signal,
        }),
      );
      for (const user of page.items) queryClient.setQueryData(colleagueKey(user.id), user);
      return page.items;
    },
    enabled: open,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
  const { colleague, meId } = useColleagues(chosen);
  const users = useMemo(() => {
    const picked = [...new Set(chosen)].map((id) => colleague(id)).filter((u): u is Colleague => u !== null);
    const seen = new Set(picked.map((u) => u.id));
    return [...picked, ...(matches.data ?? []).filter((u) => !seen.has(u.id))];
  }, [chosen, colleague, matches.data]);
  return { users, meId, colleague };
}

function tagged(data: CustomerRead, response: Response): Tagged<CustomerRead> {
  return { data, etag: response.headers.get("ETag") };
}

export function useCreateCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, force }: { body: CustomerCreate; force?: boolean }) =>
      call(
        api.POST("/api/v1/customers", {
          body,
          params: { query: { on_duplicate: force ? "create" : "reject" } },
        }),
      ),
    meta: { handlesErrors: true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

/** A change sent with the ETag it was based on: a 412 means someone else changed the record first. */
export function useUpdateCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: CustomerUpdate; etag: string | null }) => {
      const result = await request(api.PATCH("/api/v1/customers/{customer_id}", {
        params: { path: { customer_id: id }, header: etag ? { "If-Match": etag } : {} },
        body,
      }));
      return tagged(unwrap(result), result.response);
    },
    meta: { handlesErrors: true },
    onSuccess: (fresh) => {
      queryClient.setQueryData(customerKeys.detail(id), fresh);
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

export function useMoveStage(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ stage, reason, etag }: { stage: Stage; reason: string | null; etag: string | null }) => {
      const result = await request(api.POST("/api/v1/customers/{customer_id}/stage", {
        params: { path: { customer_id: id }, header: etag ? { "If-Match": etag } : {} },
        body: { stage, reason },
      }));
      return tagged(unwrap(result), result.response);
    },
    meta: { handlesErrors: true },
    onSuccess: (fresh) => {
      queryClient.setQueryData(customerKeys.detail(id), fresh);
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

export function useAddContact(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ personId, role }: { personId: string; role: string | null }) =>
      call(
        api.POST("/api/v1/customers/{customer_id}/contacts", {
          params: { path: { customer_id: organizationId } },
          body: { person_id: personId, role },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.contacts(organizationId) }),
  });
}

export function useRemoveContact(organizationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (personId: string) =>
      call(
        api.DELETE("/api/v1/customers/{customer_id}/contacts/{person_id}", {
          params: { path: { customer_id: organizationId, person_id: personId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.contacts(organizationId) }),
  });
}

export function useDeleteCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (etag: string | null) =>
      call(
        api.DELETE("/api/v1/customers/{customer_id}", {
          params: { path: { customer_id: id }, header: etag ? { "If-Match": etag } : {} },
        }),
      ),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: customerKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: customerKeys.lists() });
    },
  });
}

// ---- Import, export, duplicates and privacy (the screens beside the list and the record) ----------

type ImportPolicy = components["schemas"]["Body_imports_create"]["duplicate_policy"];

export const importKeys = {
  all: ["imports"] as const,
  list: () => [...importKeys.all, "list"] as const,
  detail: (id: string) => [...importKeys.all, "detail", id] as const,
  errors: (id: string, cursor: string | null) => [...importKeys.detail(id), "errors", cursor] as const,
};

/** The caller's recent imports (admins: everyone's), newest first. */
export function useRecentImports(limit = 10) {
  return useQuery({
    queryKey: [...importKeys.list(), limit],
    queryFn: ({ signal }) => call(api.GET("/api/v1/imports", { params: { query: { limit } }, signal })),
    select: (page) => page.items,
  });
}

/** An import and its progress, asked again every second until it is over; a real import that ends
 * refreshes every customer list. */
export function useImport(id: string | null) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: importKeys.detail(id ?? ""),
    queryFn: ({ signal }) =>
      call(api.GET("/api/v1/imports/{import_id}", { params: { path: { import_id: id ?? "" } }, signal })),
    enabled: Boolean(id),
    // A refused read (gone, not yours) will not change by asking again.
    refetchInterval: (q) => (q.state.status === "error" ? false : pollInterval(q.state.data)),
    staleTime: 0,
  });
  const job = query.data;
  const over = job ? pollInterval(job) === false : false;
  const real = job ? !job.dry_run : false;
  useEffect(() => {
    if (!over) return;
    void queryClient.invalidateQueries({ queryKey: importKeys.list() });
    if (real) void queryClient.invalidateQueries({ queryKey: customerKeys.all });
  }, [over, real, queryClient]);
  return query;
}

/** One page of an import's refused rows, in file order. */
export function useImportErrors(id: string, cursor: string | null, limit = 25) {
  return useQuery({
    queryKey: [...importKeys.errors(id, cursor), limit],
    queryFn: ({ signal }) =>
      call(
        api.GET("/api/v1/imports/{import_id}/errors", {
          params: { path: { import_id: id }, query: { limit, include_total: true, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Upload a file with its mapping: a dry run (nothing written but the row errors) or a real import. */
export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, mapping, policy, dryRun }: { file: File; mapping: string; policy: ImportPolicy; dryRun: boolean }) =>
      call(
        api.POST("/api/v1/imports", {
          // The generated type says string for a binary part; the serializer sends the File itself.
          body: { file: file as unknown as string, mapping, duplicate_policy: policy, dry_run: dryRun },
          bodySerializer: (body) => {
            const form = new FormData();
            form.append("file", file, file.name);
            form.append("mapping", body.mapping ?? "");
            form.append("duplicate_policy", body.duplicate_policy);
            form.append("dry_run", String(body.dry_run));
            return form;
          },
        }),
      ),
    meta: { handlesErrors: true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importKeys.list() }),
  });
}

/** Run a completed dry run for real: a new import of the same file, mapping and policy. */
export function useRunImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (dryRunId: string) =>
      call(api.POST("/api/v1/imports/{import_id}/run", { params: { path: { import_id: dryRunId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importKeys.list() }),
  });
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST("/api/v1/imports/{import_id}/cancel", { params: { path: { import_id: id } } })),
    onSuccess: (job) => {
      queryClient.setQueryData(importKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

/** The list as CSV with its filters and sort, fetched with the session's token (a plain link would
 * carry none). */
export function useExportCustomersCsv() {
  return useMutation({
    mutationFn: (filters: CustomerFilters) =>
      call(api.GET("/api/v1/customers/csv", { params: { query: filters }, parseAs: "blob" })) as Promise<Blob>,
  });
}

export function useDuplicates(id: string) {
  return useQuery({
    queryKey: [...customerKeys.detail(id), "duplicates"],
    queryFn: ({ signal }) =>
      call(api.GET("/api/v1/customers/{customer_id}/duplicates", { params: { path: { customer_id: id } }, signal })),
  });
}

/** Fold a duplicate into the survivor (If-Match: the survivor as shown). Both records change, so
 * every customer query goes stale. */
export function useMergeCustomer(survivorId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ duplicateId, etag }: { duplicateId: string; etag: string | null }) => {
      const result = await request(api.POST("/api/v1/customers/{customer_id}/merge", {
        params: { path: { customer_id: survivorId }, header: etag ? { "If-Match": etag } : {} },
        body: { duplicate_id: duplicateId },
      }));
      return tagged(unwrap(result), result.response);
    },
    meta: { handlesErrors: true },
    onSuccess: (fresh) => {
      queryClient.setQueryData(customerKeys.detail(survivorId), fresh);
      // Marked stale, not refetched here: the screen still shows the duplicate, which is gone (404);
      // whatever the person opens next asks afresh.
      void queryClient.invalidateQueries({ queryKey: customerKeys.all, refetchType: "none" });
    },
  });
}

/** Everything held about a customer, machine-readable (a privacy access request; audited). */
export function useExportPersonalData(id: string) {
  return useMutation({
    mutationFn: () => call(api.GET("/api/v1/customers/{customer_id}/export", { params: { path: { customer_id: id } } })),
  });
}

/** Wipe a customer's personal data; the anonymous record and its history stay. */
export function useEraseCustomer(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (etag: string | null) => {
      const result = await request(api.POST("/api/v1/customers/{customer_id}/erase", {
        params: { path: { customer_id: id }, header: etag ? { "If-Match": etag } : {} },
      }));
      return tagged(unwrap(result), result.response);
    },
    meta: { handlesErrors: true },
    onSuccess: (fresh) => {
      queryClient.setQueryData(customerKeys.detail(id), fresh);
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}
