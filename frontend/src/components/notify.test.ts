import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import { ApiError, parseProblem } from "../api/problem";
import { initI18n } from "../lib/i18n";
import { describeError } from "./notify";

const LATIN = /[A-Za-z]/;

const notFound = new ApiError(
  404,
  parseProblem(404, {
    type: "https://peyvand.dev/problems/not-found",
    title: "Not found",
    status: 404,
    detail: "Customer 0190a0b0 was not found.",
  }),
);

const refused = new ApiError(
  422,
  parseProblem(422, {
    type: "https://peyvand.dev/problems/validation-error",
    title: "Invalid request",
    status: 422,
    detail: "moving from suspect to client skips 3 rung(s); give a reason",
    errors: [
      {
        loc: ["body", "reason"],
        msg: "moving from suspect to client skips 3 rung(s); give a reason",
        type: "stage_skip_reason_required",
        ctx: { from_stage: "suspect", stage: "client", skipped: 3 },
      },
    ],
  }),
);

beforeAll(() => {
  initI18n();
});

describe("describeError", () => {
  it("shows the server's detail to English readers", async () => {
    await i18next.changeLanguage("en");
    expect(describeError(notFound)).toEqual({ title: "Not found", message: "Customer 0190a0b0 was not found." });
  });

  it("explains the problem kind to Persian readers instead of the server's English", async () => {
    await i18next.changeLanguage("fa");
    const { title, message } = describeError(notFound);
    expect(title).toBe("پیدا نشد");
    expect(message).toBe("شاید حذف شده باشد یا بیرون از مواردی باشد که می‌توانید ببینید.");
    expect(message).not.toMatch(LATIN);
  });

  it("says the first refused value in the reader's language", async () => {
    await i18next.changeLanguage("fa");
    const persian = describeError(refused).message;
    expect(persian).toBe("رفتن از «مظنون» به «مشتری دائمی» از ۳ پله می‌پرد؛ دلیلش را بنویسید.");
    await i18next.changeLanguage("en");
    expect(describeError(refused).message).toBe("Moving from “Suspect” to “Client” skips 3 rungs; give a reason.");
  });

  it("gives the status in Persian digits when nothing better is known", async () => {
    await i18next.changeLanguage("fa");
    const gateway = new ApiError(502, null);
    expect(describeError(gateway)).toEqual({ title: "مشکلی پیش آمد", message: "درخواست ناموفق بود (کد ۵۰۲)." });
    const odd = new ApiError(418, parseProblem(418, { type: "https://peyvand.dev/problems/teapot", detail: "I'm a teapot" }));
    expect(describeError(odd).message).not.toMatch(LATIN);
    await i18next.changeLanguage("en");
    expect(describeError(gateway).message).toBe("The request failed (HTTP 502).");
    expect(describeError(odd).message).toBe("I'm a teapot");
  });
});
