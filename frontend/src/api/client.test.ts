// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";

import { call, callTagged, createApiClient } from "./client";
import { ApiError } from "./problem";
import { endSession, getToken, sessionEnd, startSession } from "./session";

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A client whose fetch records each request and answers with the given response. */
function clientAnswering(response: () => Response) {
  const seen: Seen[] = [];
  const client = createApiClient({
    baseUrl: "http://peyvand.test",
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, method: request.method, headers: request.headers, body: await request.text() });
      return response();
    },
  });
  return { client, seen };
}

function problem(status: number, body: object): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

afterEach(() => endSession("logout"));

describe("the API client", () => {
  it("sends the session's token as a bearer credential", async () => {
    startSession("tok-1");
    const me = { id: "1", email: "sara@example.com" };
    const { client, seen } = clientAnswering(() => Response.json(me));
    expect(await call(client.GET("/api/v1/me"))).toEqual(me);
    expect(seen[0]?.url).toBe("http://peyvand.test/api/v1/me");
    expect(seen[0]?.headers.get("Authorization")).toBe("Bearer tok-1");
  });

  it("logs in with the e-mail as username, form-urlencoded", async () => {
    const { client, seen } = clientAnswering(() =>
      Response.json({ access_token: "abc", token_type: "bearer", expires_in: 3600 }),
    );
    await call(
      client.POST("/api/v1/auth/token", {
        body: { username: "sara@example.com", password: "p&ss=word" },
        bodySerializer: (body) => new URLSearchParams(body).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
    );
    const sent = new URLSearchParams(seen[0]?.body);
    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(sent.get("username")).toBe("sara@example.com");
    expect(sent.get("password")).toBe("p&ss=word");
  });

  it("ends the session as expired when the server refuses the token", async () => {
    startSession("old");
    const { client } = clientAnswering(() => problem(401, { title: "Authentication required" }));
    await expect(call(client.GET("/api/v1/me"))).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();
    expect(sessionEnd()).toBe("expired");
  });

  it("keeps the session when only the password was wrong", async () => {
    startSession("still-good");
    const { client } = clientAnswering(() => problem(401, { detail: "Wrong e-mail or password." }));
    const failure = call(
      client.POST("/api/v1/auth/token", {
        body: { username: "a@b.c", password: "x" },
        bodySerializer: (body) => new URLSearchParams(body).toString(),
      }),
    );
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ message: "Wrong e-mail or password." });
    expect(getToken()).toBe("still-good");
  });

  it("reports a stale edit with the server's current ETag", async () => {
    startSession("tok");
    const { client } = clientAnswering(
      () =>
        new Response(JSON.stringify({ type: "https://peyvand.dev/problems/precondition-failed", status: 412 }), {
          status: 412,
          headers: { "Content-Type": "application/problem+json", ETag: '"c1.3"' },
        }),
    );
    const failure = call(
      client.PATCH("/api/v1/customers/{customer_id}", {
        params: { path: { customer_id: "c1" }, header: { "If-Match": '"c1.2"' } },
        body: { first_name: "Sara" },
      }),
    );
    await expect(failure).rejects.toMatchObject({ status: 412, kind: "precondition-failed", etag: '"c1.3"' });
  });

  it("returns the ETag of a single resource", async () => {
    startSession("tok");
    const { client } = clientAnswering(() => Response.json({ id: "c1" }, { headers: { ETag: '"c1.1"' } }));
    const result = await callTagged(client.GET("/api/v1/customers/{customer_id}", { params: { path: { customer_id: "c1" } } }));
    expect(result.etag).toBe('"c1.1"');
  });

  it("turns a failed network into status 0", async () => {
    const client = createApiClient({
      baseUrl: "http://peyvand.test",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(call(client.GET("/api/v1/me"))).rejects.toMatchObject({ status: 0 });
  });
});
