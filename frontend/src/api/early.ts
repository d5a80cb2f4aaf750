// Requests started before the app's code has loaded. A cold start spends ~0.3 s downloading and starting
// the app before its route loaders ask for anything; src/app/early-requests.ts (a small script of its
// own, bundled apart from the app, in index.html) starts the first page's GETs meanwhile, and the API
// client adopts each one for the first identical request the app then makes: same URL, same bearer
// token, once, and only while fresh. Anything else (no match, a failed early request) takes the normal
// path: the client's own fetch, its middleware and its 401 handling all still apply to the adopted answer.
// The boot script has its own copy of this module, so what it started is kept on `window`.
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from "openapi-fetch";

import { getToken, subscribe } from "./session";

// An early answer is as old as the page; past this the app asks again (TanStack's staleTime is 15 s).
const FRESH_MS = 10_000;

interface EarlyRequest {
  url: string;
  authorization: string;
  started: number;
  response: Promise<Response>;
}

declare global {
  interface Window {
    peyvandEarlyRequests?: EarlyRequest[];
  }
}

function pending(): EarlyRequest[] {
  window.peyvandEarlyRequests ??= [];
  return window.peyvandEarlyRequests;
}

function keep(requests: EarlyRequest[]): void {
  window.peyvandEarlyRequests = requests;
}

// Logging in or out: what was asked for the previous session is nobody's any more.
subscribe(() => keep([]));

/** The URL the API client requests for this path and query: openapi-fetch's own serialisation. */
export function apiUrl(path: string, query: Record<string, unknown> = {}): string {
  return createFinalURL(path, {
    baseUrl: window.location.origin,
    params: { query },
    querySerializer: createQuerySerializer(),
    pathSerializer: defaultPathSerializer,
  });
}

/** Start a GET as the API client would send it; nothing without a session (the login page asks nothing). */
export function startEarly(url: string): void {
  const token = getToken();
  if (token === null) return;
  const authorization = `Bearer ${token}`;
  const response = fetch(url, { headers: { Authorization: authorization } });
  // Nobody may ever adopt it: its failure is the adopter's to handle, not an unhandled rejection.
  response.catch(() => undefined);
  pending().push({ url: new Request(url).url, authorization, started: performance.now(), response });
}

/** The early response to exactly this request, handed out once; null when there is none. */
export function adoptEarly(request: Request): Promise<Response> | null {
  if (request.method !== "GET" || pending().length === 0) return null;
  const now = performance.now();
  const fresh = pending().filter((early) => now - early.started < FRESH_MS);
  const found = fresh.find(
    (early) => early.url === request.url && early.authorization === request.headers.get("Authorization"),
  );
  keep(fresh.filter((early) => early !== found));
  return found ? found.response : null;
}

/** fetch for the API client: an early response when one matches (asked again if it failed), else fetch. */
export function fetchAdoptingEarly(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : null;
  const early = request ? adoptEarly(request) : null;
  if (!request || !early) return globalThis.fetch(input, init);
  const { signal } = request;
  return new Promise<Response>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    early
      .catch(() => globalThis.fetch(input, init))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", abort));
  });
}
