// Who the caller is. Shared: features ask it for the caller's id and scopes (what to offer them).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, call } from "./client";

export const meKey = ["me"] as const;

export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: () => call(api.GET("/api/v1/me")),
  staleTime: 5 * 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

/** Whether the caller holds a scope ("customers:write"); false until /me has answered. */
export function useCan(scope: string): boolean {
  const me = useMe();
  return me.data?.scopes.includes(scope) ?? false;
}
