// A Persian-speaking sales rep's day with one customer, in the Persian (right-to-left, Jalali) app:
// create «علی رضایی» with a Jalali birthday typed in Persian digits, find them again by typing Arabic
// letters, add a phone typed in Persian digits and pick another birthday from the Jalali calendar, move
// them on the ladder with a reason and read the history; then the same screens in English with the
// Gregorian calendar. And the duplicate warning for an e-mail already on file.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { Api, unique } from "./support/api";
import { screenshot, useBrowser, type Lang } from "./support/browser";
import { faDigits, t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { documentDirection, field, login } from "./support/ui";

const b = useBrowser();
const PASSWORD = "e2e-customers-pw-1";

// 31 Shahrivar 1370 in the Jalali calendar is 22 September 1991; the 15th of that month is 6 September.
const BIRTHDAY_TYPED = "۱۳۷۰/۰۶/۳۱";
const BIRTHDAY_ISO = "1991-09-22";
const BIRTHDAY_PICKED_ISO = "1991-09-06";
const PHONE_TYPED = "۰۹۱۲۳۴۵۶۷۸۹";
const PHONE_E164 = "+989123456789";

let email: string;

interface CustomerRead {
  id: string;
  display_name: string;
  birthday: string | null;
  stage: string;
  phones: { e164: string }[];
  emails: { email: string }[];
}

beforeAll(async () => {
  // A rep of a team of their own, working in Persian with the Jalali calendar; a rep sees only their
  // own customers, so what the tests find is what they made.
  const admin = await Api.login(ADMIN.email, ADMIN.password);
  const team = await admin.post<{ id: string }>("/teams", { name: unique("E2E team ") });
  email = `${unique("nasrin")}@e2e.example.com`;
  await admin.post("/users", {
    email, full_name: "نسرین کاظمی", password: PASSWORD, role: "sales", team_id: team.id,
    language: "fa", calendar: "jalali",
  });
});

function section(page: Page, lang: Lang, key: string) {
  return page.getByRole("region", { name: t(lang, key) });
}

async function pickOption(page: Page, label: string, option: string): Promise<void> {
  // The open list is labelled like its input: click the input.
  await field(page, label).and(page.locator("input")).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("a customer in Persian", () => {
  it("is created with a Jalali birthday, found by Arabic letters, edited and moved on the ladder", async () => {
    expect(new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { timeZone: "UTC" }).format(new Date(BIRTHDAY_ISO)))
      .toContain("6/31/1370");
    const page = b.page;
    await login(page, email, PASSWORD);
    expect(await documentDirection(page)).toEqual({ lang: "fa", dir: "rtl" });
    await page.getByRole("heading", { name: t("fa", "customers.title") }).waitFor();
    await screenshot(page, "customer-list-empty", "fa");

    // Create.
    await page.getByRole("link", { name: t("fa", "customers.new") }).first().click();
    await page.waitForURL("**/customers/new");
    await field(page, t("fa", "customers.form.firstName")).fill("علی");
    await field(page, t("fa", "customers.form.lastName")).fill("رضایی");
    const birthday = field(page, t("fa", "customers.form.birthday"));
    await birthday.fill(BIRTHDAY_TYPED);
    await birthday.press("Tab");
    expect(await birthday.inputValue()).toBe(BIRTHDAY_TYPED);
    await field(page, t("fa", "customers.form.email", { n: 1 })).fill(`ali.rezaei.${Date.now()}@example.com`);
    await screenshot(page, "customer-create", "fa");
    await page.getByRole("button", { name: t("fa", "customers.form.create") }).click();

    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.getByRole("heading", { name: "علی رضایی", level: 1 }).waitFor();
    const api = await Api.login(email, PASSWORD);
    const created = await api.get<CustomerRead>(`/customers/${id}`);
    expect(created.birthday).toBe(BIRTHDAY_ISO);
    // Shown back in the Jalali calendar with Persian digits.
    const shownBirthday = section(page, "fa", "customers.details.contact").locator(`time[datetime="${BIRTHDAY_ISO}"]`);
    await expect.poll(() => shownBirthday.textContent()).toContain(faDigits(1370));

    // Find by search, typed with Arabic letters (ي for ی).
    await page.goto("/customers");
    await page.getByRole("textbox", { name: t("fa", "search.label") }).fill("علي رضايي");
    const suggestion = page.getByRole("listbox", { name: t("fa", "search.results") })
      .getByRole("option").filter({ hasText: "علی رضایی" });
    await suggestion.click();
    await page.waitForURL(`**/customers/${id}`);
    await page.getByRole("heading", { name: "علی رضایی", level: 1 }).waitFor();

    // Edit: a phone typed in Persian digits, and the birthday picked from the Jalali calendar, which
    // opens on the month of the current value.
    await page.getByRole("link", { name: t("fa", "common.edit") }).click();
    await page.waitForURL(`**/customers/${id}/edit`);
    await page.getByRole("button", { name: t("fa", "customers.form.addPhone") }).click();
    await field(page, t("fa", "customers.form.phone", { n: 1 })).fill(PHONE_TYPED);
    const birthdayLabel = t("fa", "customers.form.birthday");
    await page.getByRole("button", { name: t("fa", "dates.open", { label: birthdayLabel }) }).click();
    await page.getByRole("dialog").getByLabel(/شهریور ۱۵ of ۱۳۷۰/).click();
    await expect.poll(() => field(page, birthdayLabel).inputValue()).toBe("۱۳۷۰/۰۶/۱۵");
    await page.keyboard.press("Escape");
    await screenshot(page, "customer-edit", "fa");
    await page.getByRole("button", { name: t("fa", "common.save") }).click();
    await page.waitForURL(`**/customers/${id}`);
    await section(page, "fa", "customers.details.contact").getByText(faDigits(PHONE_E164.slice(1))).waitFor();
    const edited = await api.get<CustomerRead>(`/customers/${id}`);
    expect(edited.phones.map((p) => p.e164)).toEqual([PHONE_E164]);
    expect(edited.birthday).toBe(BIRTHDAY_PICKED_ISO);

    // Move on the ladder: disqualifying needs a reason, which the dialog asks for.
    await page.getByRole("button", { name: t("fa", "customers.move.open") }).click();
    const dialog = page.getByRole("dialog");
    await pickOption(page, t("fa", "customers.move.to"), t("fa", "stages.disqualified"));
    await dialog.getByRole("button", { name: t("fa", "customers.move.submit") }).click();
    await dialog.getByText(t("fa", "customers.move.reasonRequired")).waitFor();
    const reason = "بدهی معوق به سه تأمین‌کننده";
    await field(page, t("fa", "customers.move.reason")).fill(reason);
    await dialog.getByRole("button", { name: t("fa", "customers.move.submit") }).click();
    await dialog.waitFor({ state: "hidden" });

    const history = section(page, "fa", "customers.history.title");
    await history.getByText(t("fa", "customers.history.move", {
      from: t("fa", "stages.suspect"), to: t("fa", "stages.disqualified"),
    })).waitFor();
    await history.getByText(reason).waitFor();
    expect((await api.get<CustomerRead>(`/customers/${id}`)).stage).toBe("disqualified");
    await screenshot(page, "customer-page", "fa");

    // The same customer in English with the Gregorian calendar (the user's choice, kept on the server).
    await api.request("PATCH", "/me", { language: "en", calendar: "gregorian" });
    await page.reload();
    await page.getByRole("button", { name: t("en", "customers.move.open") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "en", dir: "ltr" });
    const englishBirthday = section(page, "en", "customers.details.contact")
      .locator(`time[datetime="${BIRTHDAY_PICKED_ISO}"]`);
    await expect.poll(() => englishBirthday.textContent()).toContain("1991");
    await section(page, "en", "customers.history.title").getByText(t("en", "customers.history.move", {
      from: t("en", "stages.suspect"), to: t("en", "stages.disqualified"),
    })).waitFor();
    await screenshot(page, "customer-page", "en");
    await page.getByRole("link", { name: t("en", "common.edit") }).click();
    await field(page, t("en", "customers.form.birthday")).waitFor();
    expect(await field(page, t("en", "customers.form.birthday")).inputValue()).toBe("1991/09/06");
    await screenshot(page, "customer-edit", "en");
    await page.goto("/customers");
    await page.getByRole("table", { name: t("en", "customers.list.table") })
      .getByRole("link", { name: "علی رضایی" }).waitFor();
    await field(page, t("en", "customers.filters.stage")).first().waitFor();  // the lazily loaded filter grid
    await page.getByRole("status").getByText("1 customer", { exact: true }).waitFor();
    await screenshot(page, "customer-list", "en");
    await api.request("PATCH", "/me", { language: "fa", calendar: "jalali" });
    await page.reload();
    await page.getByRole("table", { name: t("fa", "customers.list.table") })
      .getByRole("link", { name: "علی رضایی" }).waitFor();
    await field(page, t("fa", "customers.filters.stage")).first().waitFor();
    await screenshot(page, "customer-list", "fa");
    // Filtered, the list offers to clear the filters; the sort beside it keeps room for its value.
    await page.goto("/customers?stage=client");
    await page.getByRole("button", { name: t("fa", "customers.filters.clear") }).waitFor();
    const sort = field(page, t("fa", "customers.filters.sort")).first();
    expect(await sort.inputValue()).toBe(t("fa", "customers.sorts.-created_at"));
    expect(await sort.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth)).toBe(true);
    await screenshot(page, "customer-list-filtered", "fa");
  });

  it("warns that the e-mail is already on file and can still create a separate customer", async () => {
    const api = await Api.login(email, PASSWORD);
    await api.request("PATCH", "/me", { language: "fa", calendar: "jalali" });
    const taken = `${unique("taken")}@example.com`;
    const existing = await api.post<CustomerRead>("/customers", {
      first_name: "مریم", last_name: "صادقی", emails: [{ email: taken }],
    });
    const page = b.page;
    await login(page, email, PASSWORD);
    await page.goto("/customers/new");
    await field(page, t("fa", "customers.form.firstName")).fill("مریم");
    await field(page, t("fa", "customers.form.lastName")).fill("صادقی‌نژاد");
    await field(page, t("fa", "customers.form.email", { n: 1 })).fill(taken);
    await page.getByRole("button", { name: t("fa", "customers.form.create") }).click();

    const warning = page.getByRole("alert").filter({ hasText: t("fa", "errors.kinds.duplicate-customer") });
    await warning.getByRole("link", { name: existing.display_name }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/customers/new");
    await screenshot(page, "customer-duplicate", "fa");

    await warning.getByRole("button", { name: t("fa", "customers.duplicate.createAnyway") }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    const second = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(second).not.toBe(existing.id);
    await page.getByRole("heading", { name: "مریم صادقی‌نژاد", level: 1 }).waitFor();
  });
});
