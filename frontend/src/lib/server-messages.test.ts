import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import { fieldErrors, parseProblem } from "../api/problem";
import fa from "../locales/fa.json";
import { initI18n } from "./i18n";
import { joinList, joinMessages, serverMessage, serverText } from "./server-messages";

const LATIN = /[A-Za-z]/;
const LRI = "\u2066";
const PDI = "\u2069";

async function inLanguage<T>(language: "en" | "fa", run: () => T): Promise<T> {
  await i18next.changeLanguage(language);
  return run();
}

beforeAll(() => {
  initI18n();
});

describe("serverMessage", () => {
  it("words a code with its numbers in the viewer's digits", async () => {
    const error = { msg: "String should have at most 80 characters", type: "string_too_long", ctx: { max_length: 80 } };
    expect(await inLanguage("en", () => serverMessage(error))).toBe("Enter at most 80 characters.");
    expect(await inLanguage("fa", () => serverMessage(error))).toBe("حداکثر ۸۰ نویسه وارد کنید.");
  });

  it("counts in English and groups large bounds", async () => {
    const one = { msg: "", type: "string_too_long", ctx: { max_length: 1 } };
    expect(await inLanguage("en", () => serverMessage(one))).toBe("Enter at most 1 character.");
    const bound = { msg: "Input should be greater than 1000", type: "greater_than", ctx: { gt: 1000 } };
    expect(await inLanguage("en", () => serverMessage(bound))).toBe("Enter a value greater than 1,000.");
    expect(await inLanguage("fa", () => serverMessage(bound))).toBe("مقداری بزرگ‌تر از ۱٬۰۰۰ وارد کنید.");
  });

  it("names the ladder's rungs as the app does", async () => {
    const error = {
      msg: "moving from suspect to repeat skips 2 rung(s); give a reason",
      type: "stage_skip_reason_required",
      ctx: { from_stage: "suspect", stage: "repeat", skipped: 2 },
    };
    expect(await inLanguage("en", () => serverMessage(error))).toBe(
      "Moving from “Suspect” to “Repeat buyer” skips 2 rungs; give a reason.",
    );
    const persian = await inLanguage("fa", () => serverMessage(error));
    expect(persian).toBe("رفتن از «مظنون» به «خریدار تکراری» از ۲ پله می‌پرد؛ دلیلش را بنویسید.");
    expect(persian).not.toMatch(LATIN);
  });

  it("has a wording for a lapsed customer whose old rung is unknown", async () => {
    const error = { msg: "", type: "stage_winback_reason_required", ctx: { lapsed_from: null, stage: "client" } };
    expect(await inLanguage("en", () => serverMessage(error))).toBe(
      "A lapsed customer is won back to the rung it fell from; give a reason to put it on “Client” instead.",
    );
    const known = { ...error, ctx: { lapsed_from: "repeat", stage: "client" } };
    expect(await inLanguage("fa", () => serverMessage(known))).toContain("(«خریدار تکراری»)");
  });

  it("names the kinds of customer as the app does", async () => {
    const error = {
      msg: "a person cannot be merged into a organization",
      type: "merge_kind_mismatch",
      ctx: { duplicate_kind: "person", survivor_kind: "organization" },
    };
    expect(await inLanguage("fa", () => serverMessage(error))).toBe(
      "رکوردی از نوع «شخص» را نمی‌توان در رکوردی از نوع «سازمان» ادغام کرد.",
    );
    expect(await inLanguage("en", () => serverMessage(error))).toContain("“Person”");
  });

  it("joins lists with the language's comma and keeps typed values left to right", async () => {
    const error = { msg: "not one of: red, blue", type: "custom_field_choice", ctx: { choices: ["red", "blue"] } };
    expect(await inLanguage("en", () => serverMessage(error))).toBe("Choose one of: red, blue.");
    expect(await inLanguage("fa", () => serverMessage(error))).toBe(
      `یکی از این گزینه‌ها را انتخاب کنید: ${LRI}red${PDI}، ${LRI}blue${PDI}.`,
    );
    const expected = { msg: "", type: "enum", ctx: { expected: "'person' or 'organization'" } };
    expect(await inLanguage("en", () => serverMessage(expected))).toBe("Choose one of: person, organization.");
  });

  it("shows a phone as typed, in Persian digits, never grouped", async () => {
    const error = { msg: "not a valid phone number: 0912", type: "phone_invalid", ctx: { value: "09123" } };
    expect(await inLanguage("fa", () => serverMessage(error))).toBe(`شمارهٔ تلفن معتبر نیست: ${LRI}۰۹۱۲۳${PDI}.`);
    expect(await inLanguage("en", () => serverMessage(error))).toBe("Not a valid phone number: 09123.");
  });

  it("falls back to the server's English only for English readers", async () => {
    for (const error of [
      { msg: "something new went wrong", type: "brand_new_code", ctx: { limit: 3 } },
      { msg: "Value error, bad thing", type: "value_error" },
      { msg: "no type at all" },
      { msg: "dotted", type: "errors.kinds" },
    ]) {
      expect(await inLanguage("en", () => serverMessage(error))).toBe(error.msg);
      const persian = await inLanguage("fa", () => serverMessage(error));
      expect(persian).toBe("این مقدار معتبر نیست.");
      expect(persian).not.toMatch(LATIN);
    }
    expect(await inLanguage("en", () => serverMessage({ type: "brand_new_code" }))).toBe("This value is not valid.");
  });

  it("passes the server's own English text to English readers only", async () => {
    expect(await inLanguage("en", () => serverText("The importer can no longer write customers."))).toBe(
      "The importer can no longer write customers.",
    );
    expect(await inLanguage("fa", () => serverText("The importer can no longer write customers."))).toBeUndefined();
    expect(await inLanguage("en", () => serverText(null))).toBeUndefined();
  });

  it("titles an import row refused as a whole by its problem kind", async () => {
    const error = { msg: "A customer with this e-mail or phone already exists.", type: "duplicate-customer" };
    expect(await inLanguage("en", () => serverMessage(error))).toBe("This customer may already exist");
    expect(await inLanguage("fa", () => serverMessage(error))).toBe("شاید این مشتری از قبل ثبت شده باشد");
    expect(await inLanguage("fa", () => serverMessage({ msg: "Conflict", type: "conflict" }))).toBe("تعارض");
  });

  it("lets no ctx name pass for an option of i18next", async () => {
    const error = { msg: "", type: "string_too_long", ctx: { max_length: 80, lng: "en", defaultValue: "x" } };
    expect(await inLanguage("fa", () => serverMessage(error))).toBe("حداکثر ۸۰ نویسه وارد کنید.");
  });

  it("words every code in Persian without Latin letters (file formats excepted)", () => {
    const named = new Set(["file_encoding"]);
    const latin = Object.entries({ ...fa.serverErrors, ...fa.errors.details })
      .filter(([code, text]) => !named.has(code) && LATIN.test(text.replace(/\{\{\s*\w+\s*\}\}/g, "")))
      .map(([code]) => code);
    expect(latin).toEqual([]);
  });
});

describe("fieldErrors in the viewer's language", () => {
  const problem = parseProblem(422, {
    status: 422,
    errors: [
      { loc: ["body", "display_name"], msg: "String should have at most 80 characters", type: "string_too_long", ctx: { max_length: 80 } },
      { loc: ["body", "display_name"], msg: "may not be empty", type: "null_not_allowed", ctx: [1, 2] },
      { loc: ["body", "phones", 0, "number"], msg: "odd", type: "value_error" },
    ],
  });

  it("keeps a ctx's JSON values and nothing that is no object", () => {
    expect(problem?.errors?.[0]?.ctx).toEqual({ max_length: 80 });
    expect(problem?.errors?.[1]?.ctx).toBeUndefined();
    const odd = parseProblem(422, { errors: [{ loc: ["x"], msg: "m", type: "t", ctx: { a: 1, b: undefined, c: ["x", 2] } }] });
    expect(odd?.errors?.[0]?.ctx).toEqual({ a: 1, c: ["x", 2] });
  });

  it("follows a sentence with a space and anything else with the language's separator", () => {
    expect(joinMessages(["first", "second", "Third."], "en")).toBe("first; second; Third.");
    expect(joinMessages(["Third.", "first"], "en")).toBe("Third. first");
    expect(joinMessages(["یکم", "دوم"], "fa")).toBe("یکم؛ دوم");
    expect(joinList(["۱", "۲"], "fa")).toBe("۱، ۲");
    expect(joinList(["1", "2"], "en")).toBe("1, 2");
  });

  it("joins the messages of one field", async () => {
    expect(await inLanguage("en", () => fieldErrors(problem))).toEqual({
      display_name: "Enter at most 80 characters. This may not be empty.",
      "phones.0.number": "odd",
    });
    expect(await inLanguage("fa", () => fieldErrors(problem))).toEqual({
      display_name: "حداکثر ۸۰ نویسه وارد کنید. این مقدار نمی‌تواند خالی باشد.",
      "phones.0.number": "این مقدار معتبر نیست.",
    });
  });
});
