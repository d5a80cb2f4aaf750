// The one way the SPA talks to the API: openapi-fetch over the generated contract, with the bearer
// token added to every call and a refused token ending the session (the shell then asks to log in).
import createClient, { type Middleware } from "openapi-fetch";

import { fetchAdoptingEarly } from "./early";
import { ApiError, parseProblem } from "./problem";
import type { paths } from "./schema";
import { endSession, getToken } from "./session";

const LOGIN_PATH = "/api/v1/auth/token";

export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ request, response }) {
    // A wrong password on the login form is no expired session.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith(LOGIN_PATH)) {
      endSession("expired");
    }
    return response;
  },
};

export function createApiClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? (typeof window === "undefined" ? "" : window.location.origin),
    // Requests the page's boot script already started are adopted instead of sent twice (early.ts).
    fetch: options.fetch ?? fetchAdoptingEarly,
  });
  client.use(authMiddleware);
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export const api: ApiClient = createApiClient();

interface Result<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The data of a successful call; an ApiError with the server's problem otherwise. */
export function unwrap<D>(result: Result<D>): D {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(
      result.response.status,
      parseProblem(result.response.status, result.error),
      result.response.headers.get("ETag"),
    );
  }
  return result.data as D;
}

/** A single resource and its ETag, for the `If-Match` of the next change. */
export interface Tagged<D> {
  data: D;
  etag: string | null;
}

export function unwrapTagged<D>(result: Result<D>): Tagged<D> {
  const data = unwrap(result);
  return { data, etag: result.response.headers.get("ETag") };
}

/** The raw result (data, error, response) of a call that got an answer; ApiError status 0 when none came. */
export async function request<D>(pending: Promise<Result<D>>): Promise<Result<D>> {
  try {
    return await pending;
  } catch {
    throw new ApiError(0, null); // no answer at all: offline, DNS, the server down
  }
}

/** Await an openapi-fetch call: its data, or an ApiError (status 0 when the network failed). */
export async function call<D>(pending: Promise<Result<D>>): Promise<D> {
  return unwrap(await request(pending));
}

/** Like `call`, keeping the ETag of the answer. */
export async function callTagged<D>(pending: Promise<Result<D>>): Promise<Tagged<D>> {
  return unwrapTagged(await request(pending));
}
