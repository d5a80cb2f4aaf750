// No untranslated string in Persian: on every customer screen a Persian user sees no English word —
// not in the text, not in placeholders, tooltips or the labels screen readers announce. What may stay
// Latin is data (e-mails) and names of things that are Latin everywhere (CSV, JSON, CRM, RFM, …).
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { Api, unique } from "./support/api";
import { screenshot, useBrowser } from "./support/browser";
import { t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { field, login } from "./support/ui";

const b = useBrowser();
const PASSWORD = "e2e-translations-pw-1";
// Acronyms and names written in Latin letters in Persian too; "English" is the language switch, named in
// its own language; Enter is the key's name; webform and referral are source codes as stored (examples
// in the source filter, which matches them exactly).
const ALLOWED = new Set(["CSV", "JSON", "CRM", "RFM", "UTM", "IRR", "ID", "URL", "API", "English", "SMS", "Enter",
  "UTF", "BOM", "webform", "referral"]);

let email: string;
let customerId: string;

beforeAll(async () => {
  const admin = await Api.login(ADMIN.email, ADMIN.password);
  email = `${unique("fa")}@e2e.example.com`;
  await admin.post("/users", {
    email, full_name: "مریم احمدی", password: PASSWORD, role: "manager", language: "fa", calendar: "jalali",
  });
  const me = await Api.login(email, PASSWORD);
  const customer = await me.post<{ id: string }>("/customers", {
    kind: "person", first_name: "رضا", last_name: "کریمی", tags: ["وفادار"],
    emails: [{ email: `${unique("reza")}@example.com` }], phones: [{ number: "۰۹۱۲۱۱۱۲۲۳۳" }],
    preferences: ["تماس فقط صبح‌ها"], birthday: "1990-03-21",
  });
  customerId = customer.id;
});

/** Latin words a person can see or hear on the page (data such as e-mails and numbers left out). */
async function latinWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [document.body.innerText];
    for (const el of Array.from(document.querySelectorAll("[placeholder], [aria-label], [title]"))) {
      // An element marked as another language (the switch to English) speaks that language on purpose.
      if (el.closest("[lang]")?.getAttribute("lang") !== document.documentElement.lang) continue;
      for (const name of ["placeholder", "aria-label", "title"]) {
        const value = el.getAttribute(name);
        if (value) out.push(value);
      }
    }
    return out.join("\n");
  });
  const withoutData = texts
    .replace(/[\w.+-]+@[\w.-]+/g, " ") // e-mail addresses
    .replace(/https?:\/\/\S+/g, " ");
  const words = withoutData.match(/[A-Za-z][A-Za-z'-]*[A-Za-z]/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w)))];
}

async function expectPersianOnly(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(path);
  await page.getByRole("heading", { name: heading }).first().waitFor();
  await page.waitForLoadState("networkidle");
  expect(await latinWords(page), `Latin words on ${path}`).toEqual([]);
}

describe("Persian screens", () => {
  it("show no English word on any customer screen", async () => {
    const page = b.page;
    await login(page, email, PASSWORD);
    await expectPersianOnly(page, "/customers", t("fa", "customers.title"));
    await expectPersianOnly(page, `/customers/${customerId}`, "رضا کریمی");
    await expectPersianOnly(page, `/customers/${customerId}/edit`, "رضا کریمی");
    await expectPersianOnly(page, "/customers/new", t("fa", "customers.form.createTitle"));
    await expectPersianOnly(page, "/customers/import", t("fa", "customers.importTitle"));
    await expectPersianOnly(page, `/customers/${customerId}/duplicates`, "رضا کریمی");
    await expectPersianOnly(page, "/settings", t("fa", "settings.title"));
  });
});

describe("Persian refusals", () => {
  it("say what the server refused in Persian, beside the field", async () => {
    const page = b.page;
    await login(page, email, PASSWORD);
    await page.goto("/customers/new");
    await field(page, t("fa", "customers.form.firstName")).fill("سارا");
    // Long enough for the form, not a phone number: only the server knows, and says so with a code.
    await field(page, t("fa", "customers.form.phone", { n: 1 })).fill("۱۲۳۴۵");
    await page.getByRole("button", { name: t("fa", "customers.form.create") }).click();
    const [wording] = t("fa", "serverErrors.phone_invalid", { value: "§" }).split("§");
    await page.getByText(wording ?? "", { exact: false }).first().waitFor();
    expect(page.url()).toMatch(/\/customers\/new$/);
    await screenshot(page, "customer-create-refused", "fa");
    expect(await latinWords(page), "Latin words beside a refused field").toEqual([]);
  });
});
