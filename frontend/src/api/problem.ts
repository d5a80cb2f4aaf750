// RFC 9457 problem details as every API error carries them, and how the SPA reads them.
import { joinMessages, serverMessage } from "../lib/server-messages";
import type { components } from "./schema";

type ProblemSchema = components["schemas"]["Problem"];

export interface FieldError {
  loc: (string | number)[];
  /** English; people read serverMessage(), which words `type` and `ctx` in their language. */
  msg: string;
  /** A stable code ("string_too_long", "phone_invalid") or, for an import row, a problem kind. */
  type?: string;
  /** The values the message names ({"max_length": 80}). */
  ctx?: Record<string, unknown>;
}

/** The contract's Problem as the SPA reads it (fields the server left out are simply absent). */
export interface Problem extends Pick<ProblemSchema, "type" | "title" | "status"> {
  detail?: string;
  request_id?: string;
  errors?: FieldError[];
  /** 409 duplicate-customer: the existing customers the caller may see. */
  existing_ids?: string[];
  /** 409 duplicate-customer: the same customers with their names. */
  existing?: ExistingCustomer[];
}

export interface ExistingCustomer {
  id: string;
  display_name: string;
}

/** A failed API call: the HTTP status (0 when the network failed) and the problem the server sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  /** The ETag the server sent with the failure (a 412 carries the current one). */
  readonly etag: string | null;

  constructor(status: number, problem: Problem | null, etag: string | null = null) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.etag = etag;
  }

  /** The last part of the problem type ("duplicate-customer"), or "" when the body was no problem. */
  get kind(): string {
    return problemKind(this.problem);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is FieldError {
  return isRecord(value) && Array.isArray(value.loc) && typeof value.msg === "string";
}

/** Plain JSON (null, strings, finite numbers, booleans, arrays and objects of them), nothing else. */
function isJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  return isRecord(value) && Object.values(value).every(isJson);
}

/** A field error with only what the SPA reads; ctx keeps its plain JSON values. */
function readFieldError(raw: FieldError): FieldError {
  const error: FieldError = { loc: raw.loc, msg: raw.msg };
  if (typeof raw.type === "string") error.type = raw.type;
  if (isRecord(raw.ctx)) error.ctx = Object.fromEntries(Object.entries(raw.ctx).filter(([, value]) => isJson(value)));
  return error;
}

/** The problem in a response body, or null when the body is not one (a proxy's HTML page, nothing). */
export function parseProblem(status: number, body: unknown): Problem | null {
  if (!isRecord(body)) return null;
  const problem: Problem = {
    type: typeof body.type === "string" ? body.type : "about:blank",
    title: typeof body.title === "string" ? body.title : "",
    status: typeof body.status === "number" ? body.status : status,
  };
  if (typeof body.detail === "string") problem.detail = body.detail;
  if (typeof body.request_id === "string") problem.request_id = body.request_id;
  if (Array.isArray(body.errors)) problem.errors = body.errors.filter(isFieldError).map(readFieldError);
  if (Array.isArray(body.existing_ids)) {
    problem.existing_ids = body.existing_ids.filter((id): id is string => typeof id === "string");
  }
  if (Array.isArray(body.existing)) {
    problem.existing = body.existing.filter(
      (c): c is ExistingCustomer => isRecord(c) && typeof c.id === "string" && typeof c.display_name === "string",
    );
  }
  return problem;
}

/** The customers a duplicate-customer problem names; ids alone (an older server) get no name. */
export function existingCustomers(problem: Problem | null): ExistingCustomer[] {
  if (problem?.existing) return problem.existing;
  return (problem?.existing_ids ?? []).map((id) => ({ id, display_name: "" }));
}

export function problemKind(problem: Problem | null): string {
  if (!problem?.type) return "";
  const parts = problem.type.split("/");
  return parts[parts.length - 1] ?? "";
}

/** A field's path as forms name it: ["body", "phones", 0, "number"] → "phones.0.number". FastAPI puts
 * where the value came from (body, query, path) first; people only need the field. */
export function fieldPath(loc: (string | number)[]): string {
  const parts = ["body", "query", "path", "header"].includes(String(loc[0])) ? loc.slice(1) : loc;
  return parts.map(String).join(".");
}

/** The problem's field errors by field path, in the viewer's language; several errors of one field are
 * joined. */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const byPath: Record<string, string[]> = {};
  for (const raw of problem?.errors ?? []) {
    if (!isFieldError(raw)) continue;
    const path = fieldPath(raw.loc);
    (byPath[path] ??= []).push(serverMessage(raw));
  }
  return Object.fromEntries(Object.entries(byPath).map(([path, messages]) => [path, joinMessages(messages)]));
}

/** Field errors whose path none of the form's fields shows, so they still reach the person. `label`
 * names a path for people (null: the message alone). */
export function unplacedErrors(
  errors: Record<string, string>,
  shown: (path: string) => boolean,
  label: (path: string) => string | null = (path) => path,
): string[] {
  return Object.entries(errors)
    .filter(([path]) => !shown(path))
    .map(([path, msg]) => {
      const name = path ? label(path) : null;
      return name ? `${name}: ${msg}` : msg;
    });
}
