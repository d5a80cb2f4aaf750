import { describe, expect, it } from "vitest";

import { ltrText } from "./bidi";

describe("left-to-right islands", () => {
  it("wraps the text in an isolate so its '+' stays on the left in Persian", () => {
    expect(ltrText("+۹۸۹۱۲۳۴۵۶۷۸۹")).toBe("\u2066+۹۸۹۱۲۳۴۵۶۷۸۹\u2069");
  });
});
