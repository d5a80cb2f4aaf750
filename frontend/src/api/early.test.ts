// @vitest-environment jsdom
import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { filtersFromParams } from "../features/customers/list-filters";
import { firstListPageUrl } from "../features/customers/list-request";
import { customerListQuery } from "../features/customers/queries";
import { api, call } from "./client";
import { apiUrl, startEarly } from "./early";
import { endSession, getToken, startSession } from "./session";

/** A fetch that answers from `answers` in turn and records every URL asked for. */
function network(...answers: (() => Promise<Response>)[]) {
  const asked: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    asked.push(new Request(input, init).url);
    const answer = answers[asked.length - 1] ?? answers[answers.length - 1];
    if (!answer) throw new Error("no answer");
    return answer();
  });
  vi.stubGlobal("fetch", fetch);
  return asked;
}

const ok = (body: object) => () => Promise.resolve(Response.json(body));

beforeEach(() => startSession("tok-1"));

afterEach(() => {
  vi.unstubAllGlobals();
  endSession("logout");
});

describe("requests started before the app", () => {
  it.each([
    "",
    "?q=%D8%B9%D9%84%DB%8C+%D8%B1%D8%B6%D8%A7",
    "?stage=client&stage=repeat&sort=display_name",
    "?kind=person&tag=vip&tag=b2b&owner_id=0190c3a4-0000-7000-8000-000000000001&importance_tier=A",
    "?source_channel=web&q=sara%40example.com&sort=-updated_at",
  ])("ask for the list's first page at exactly the URL the list then requests (%s)", async (search) => {
    const asked = network(ok({ items: [], next_cursor: null }));
    const filters = filtersFromParams(new URLSearchParams(search));
    await new QueryClient().fetchInfiniteQuery(customerListQuery(filters));
    expect(firstListPageUrl({ pathname: "/customers", search })).toBe(asked[0]);
  });

  it("only ask for the list on the list's own path", () => {
    expect(firstListPageUrl({ pathname: "/customers/new", search: "" })).toBeNull();
    expect(firstListPageUrl({ pathname: "/settings", search: "?q=x" })).toBeNull();
  });

  it("are adopted by the first identical request, and only by that one", async () => {
    const asked = network(ok({ id: "early" }), ok({ id: "later" }));
    startEarly(apiUrl("/api/v1/me"));
    expect(asked).toHaveLength(1);
    expect(await call(api.GET("/api/v1/me"))).toEqual({ id: "early" });
    expect(asked).toHaveLength(1);
    expect(await call(api.GET("/api/v1/me"))).toEqual({ id: "later" });
    expect(asked).toHaveLength(2);
  });

  it("are not adopted by a request for another URL", async () => {
    const asked = network(ok({ items: [] }), ok({ id: "me" }));
    startEarly(apiUrl("/api/v1/customers", { limit: 50 }));
    expect(await call(api.GET("/api/v1/me"))).toEqual({ id: "me" });
    expect(asked).toEqual([apiUrl("/api/v1/customers", { limit: 50 }), apiUrl("/api/v1/me")]);
  });

  it("are not adopted once the session has another token", async () => {
    const asked = network(ok({ id: "old session" }), ok({ id: "new session" }));
    startEarly(apiUrl("/api/v1/me"));
    startSession("tok-2");
    expect(await call(api.GET("/api/v1/me"))).toEqual({ id: "new session" });
    expect(asked).toHaveLength(2);
  });

  it("are not started without a session", () => {
    endSession("logout");
    const asked = network(ok({}));
    startEarly(apiUrl("/api/v1/me"));
    expect(asked).toHaveLength(0);
  });

  it("are asked again when they failed on the network", async () => {
    const asked = network(() => Promise.reject(new TypeError("Failed to fetch")), ok({ id: "retried" }));
    startEarly(apiUrl("/api/v1/me"));
    expect(await call(api.GET("/api/v1/me"))).toEqual({ id: "retried" });
    expect(asked).toHaveLength(2);
  });

  it("end the session when the server refused their token, like any request", async () => {
    network(() =>
      Promise.resolve(
        new Response(JSON.stringify({ status: 401, title: "Authentication required" }), {
          status: 401,
          headers: { "Content-Type": "application/problem+json" },
        }),
      ),
    );
    startEarly(apiUrl("/api/v1/me"));
    await expect(call(api.GET("/api/v1/me"))).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();
  });
});
