import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

import { ApiError } from "../api/problem";
import { notifyError } from "../components/notify";

// Refused (4xx) requests will not change by asking again; the network and 5xx get one more try.
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

// A 401 sends the person to the login page (the client ends the session); a 404 is the page's to say.
function quiet(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 404);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!quiet(error) && !query.meta?.quiet) notifyError(error);
      },
    }),
    // Forms show their own errors beside the fields; other mutations get a toast unless they opt out.
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (!quiet(error) && !mutation.meta?.handlesErrors) notifyError(error);
      },
    }),
    defaultOptions: {
      queries: { retry, refetchOnWindowFocus: false, staleTime: 15_000 },
      mutations: { retry: false },
    },
  });
}
