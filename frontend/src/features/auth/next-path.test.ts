import { describe, expect, it } from "vitest";

import { loginPath, safeNext } from "./next-path";

describe("after login", () => {
  it("returns to the page the person was on, with its query", () => {
    expect(safeNext("/customers?stage=client&q=%D8%B9")).toBe("/customers?stage=client&q=%D8%B9");
  });

  it("never leaves the app or loops back to the login page", () => {
    for (const next of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/login?next=/x", null, ""]) {
      expect(safeNext(next)).toBe("/");
    }
  });

  it("round-trips through the login address", () => {
    const here = "/customers/0190/edit?x=1&y=ä";
    const next = new URL(loginPath(here), "http://app.test").searchParams.get("next");
    expect(safeNext(next)).toBe(here);
    expect(loginPath("/")).toBe("/login");
  });
});
