import { describe, expect, it } from "vitest";
import { ApiError, type Fetch, getMe, login, logout, problemMessage } from "./api";

function problem(status: number, body: object): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

interface Call {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch that records what it was asked and answers with the given response. */
function answering(response: Response): { fetchFn: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchFn: Fetch = async (url, init) => {
    calls.push({ url, init });
    return response;
  };
  return { fetchFn, calls };
}

describe("problemMessage", () => {
  it("shows the problem's detail", async () => {
    const response = problem(401, {
      type: "https://peyvand.dev/problems/unauthorized",
      title: "Authentication required",
      status: 401,
      detail: "Wrong e-mail or password.",
    });
    expect(await problemMessage(response)).toBe("Wrong e-mail or password.");
  });

  it("falls back to the title when there is no detail", async () => {
    const response = problem(403, { title: "Not allowed", status: 403, detail: null });
    expect(await problemMessage(response)).toBe("Not allowed");
  });

  it("lists each invalid field under the detail", async () => {
    const response = problem(422, {
      title: "Invalid request",
      status: 422,
      detail: "The request is not valid.",
      errors: [
        { loc: ["body", "password"], msg: "Field required", type: "missing" },
        { loc: ["body", "username"], msg: "String should have at most 320 characters", type: "string_too_long" },
      ],
    });
    expect(await problemMessage(response)).toBe(
      "The request is not valid.\npassword: Field required\nusername: String should have at most 320 characters",
    );
  });

  it("says the status when the body is not JSON", async () => {
    const response = new Response("<html>Bad gateway</html>", { status: 502 });
    expect(await problemMessage(response)).toBe("The request failed (HTTP 502).");
  });
});

describe("login", () => {
  it("posts the e-mail as username, form-urlencoded, and returns the token", async () => {
    const token = { access_token: "abc", token_type: "bearer", expires_in: 3600 };
    const { fetchFn, calls } = answering(Response.json(token));

    expect(await login("sara@example.com", "p&ss=word", fetchFn)).toEqual(token);

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("/api/v1/auth/token");
    expect(call?.init?.method).toBe("POST");
    expect(call?.init?.headers).toMatchObject({ "Content-Type": "application/x-www-form-urlencoded" });
    const sent = new URLSearchParams(String(call?.init?.body));
    expect(sent.get("username")).toBe("sara@example.com");
    expect(sent.get("password")).toBe("p&ss=word");
  });

  it("raises the problem's detail with its status", async () => {
    const { fetchFn } = answering(
      problem(429, { title: "Too many failed logins", status: 429, detail: "Try again in 900 s." }),
    );
    const failure = login("sara@example.com", "wrong", fetchFn);
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 429, message: "Try again in 900 s." });
  });
});

describe("calls with a token", () => {
  it("sends the token as a bearer credential to /me", async () => {
    const me = { id: "1", email: "sara@example.com", full_name: "Sara Ahmadi", role: "sales", scopes: ["me"] };
    const { fetchFn, calls } = answering(Response.json(me));

    expect(await getMe("tok", fetchFn)).toEqual(me);
    expect(calls[0]?.url).toBe("/api/v1/me");
    expect(calls[0]?.init?.headers).toMatchObject({ Authorization: "Bearer tok" });
  });

  it("logs out with a POST that answers 204", async () => {
    const { fetchFn, calls } = answering(new Response(null, { status: 204 }));

    await logout("tok", fetchFn);
    expect(calls[0]?.url).toBe("/api/v1/auth/logout");
    expect(calls[0]?.init?.method).toBe("POST");
    expect(calls[0]?.init?.headers).toMatchObject({ Authorization: "Bearer tok" });
  });
});
