// The few API calls the placeholder page makes. The real SPA replaces these hand-written types with
// ones generated from openapi/openapi.json.

export interface ProblemFieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** RFC 9457 problem details, as every API error carries them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string | null;
  errors?: ProblemFieldError[];
}

export interface Token {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
}

export interface Me {
  id: string;
  email: string;
  full_name: string;
  role: string;
  scopes: string[];
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const browserFetch: Fetch = (input, init) => fetch(input, init);

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldName(loc: (string | number)[]): string {
  // FastAPI prefixes where the field came from ("body", "query", ...); people only need the field.
  const parts = loc.length > 1 ? loc.slice(1) : loc;
  return parts.join(".");
}

/** What to tell the person about a failed response: the problem's `detail`, then its `title`, plus
 * one line per invalid field; a generic line when the body is not problem+json (e.g. a proxy's page). */
export async function problemMessage(response: Response): Promise<string> {
  const fallback = `The request failed (HTTP ${response.status}).`;
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return fallback;
  }
  if (!isProblem(body)) {
    return fallback;
  }
  const lines = [body.detail || body.title || fallback];
  for (const error of body.errors ?? []) {
    const field = fieldName(error.loc);
    lines.push(field ? `${field}: ${error.msg}` : error.msg);
  }
  return lines.join("\n");
}

interface RequestOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

async function request(fetchFn: Fetch, path: string, init: RequestOptions): Promise<Response> {
  const response = await fetchFn(path, {
    ...init,
    headers: { Accept: "application/json", ...init.headers },
  });
  if (!response.ok) {
    throw new ApiError(response.status, await problemMessage(response));
  }
  return response;
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** OAuth2 password flow: the e-mail goes in `username`. */
export async function login(email: string, password: string, fetchFn: Fetch = browserFetch): Promise<Token> {
  const response = await request(fetchFn, "/api/v1/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: email, password }).toString(),
  });
  return (await response.json()) as Token;
}

export async function getMe(token: string, fetchFn: Fetch = browserFetch): Promise<Me> {
  const response = await request(fetchFn, "/api/v1/me", { headers: bearer(token) });
  return (await response.json()) as Me;
}

export async function logout(token: string, fetchFn: Fetch = browserFetch): Promise<void> {
  await request(fetchFn, "/api/v1/auth/logout", { method: "POST", headers: bearer(token) });
}
