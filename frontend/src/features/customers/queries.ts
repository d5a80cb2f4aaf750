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
  Stage,
  UserRead,
} from "../../api/types";

export type CustomerFilters = Pick<
  CustomerListQuery,
  "q" | "stage" | "owner_id" | "tag" | "source_channel" | "importance_tier" | "kind" | "sort"
>;

const PAGE_SIZE = 50;

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
          params: { query: { ...filters, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
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

/** People customers can belong to. Only callers who may list users get the whole directory; others
 * know themselves (the API has no smaller directory for them). */
export function useUserDirectory() {
  const me = useMe();
  const canList = me.data?.scopes.includes("users:read") ?? false;
  const users = useQuery({
    queryKey: customerKeys.users,
    queryFn: () => call(api.GET("/api/v1/users", { params: { query: { is_active: true, limit: 200, sort: "full_name" } } })),
    enabled: canList,
    staleTime: 5 * 60_000,
    select: (page) => page.items,
  });
  const list: Pick<UserRead, "id" | "full_name">[] = canList
    ? (users.data ?? [])
    : me.data
      ? [{ id: me.data.id, full_name: me.data.full_name }]
      : [];
  return { users: list, canList, meId: me.data?.id ?? null };
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
