// Language and calendar: switching to Persian turns the whole app right to left with Persian digits;
// the choice is kept on the user by the API, so it holds after a reload and on another device.
import { describe, expect, it } from "vitest";

import { Api, unique } from "./support/api";
import { useBrowser } from "./support/browser";
import { faDigits, t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { documentDirection, login } from "./support/ui";

const b = useBrowser();
const PASSWORD = "e2e-preferences-pw-1";

/** This year in the Jalali calendar, in Tehran (as the browser's time zone is). */
function jalaliYear(): string {
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { year: "numeric", timeZone: "Asia/Tehran" })
    .formatToParts(new Date());
  return parts.find((part) => part.type === "year")?.value ?? "";
}

async function newUser(): Promise<string> {
  const admin = await Api.login(ADMIN.email, ADMIN.password);
  const email = `${unique("prefs")}@e2e.example.com`;
  await admin.post("/users", { email, full_name: "Pat Preferences", password: PASSWORD, role: "sales" });
  return email;
}

describe("language and calendar", () => {
  it("switch to Persian and Jalali, persist after a reload and follow the user to another browser", async () => {
    const email = await newUser();
    const page = b.page;
    await login(page, email, PASSWORD);
    expect(await documentDirection(page)).toEqual({ lang: "en", dir: "ltr" });

    await page.goto("/settings");
    await page.getByRole("heading", { name: t("en", "settings.title") }).waitFor();
    await page.getByRole("radio", { name: "فارسی" }).check();
    await page.getByRole("heading", { name: t("fa", "settings.title") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "fa", dir: "rtl" });

    await page.getByRole("radio", { name: t("fa", "calendars.jalali") }).check();
    // The calendar hint shows today in the chosen calendar: this Jalali year, in Persian digits.
    const year = faDigits(jalaliYear());
    await page.getByText(year, { exact: false }).first().waitFor();

    // Kept by the API, not only in this browser.
    const api = await Api.login(email, PASSWORD);
    await expect.poll(() => api.get<{ language: string; calendar: string }>("/me"))
      .toMatchObject({ language: "fa", calendar: "jalali" });

    await page.reload();
    await page.getByRole("heading", { name: t("fa", "settings.title") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "fa", dir: "rtl" });
    expect(await page.getByRole("radio", { name: t("fa", "calendars.jalali") }).isChecked()).toBe(true);

    // Another browser (nothing remembered locally) shows Persian as soon as this user logs in.
    const other = await b.newPage();
    await login(other, email, PASSWORD, "en");
    await other.getByRole("button", { name: t("fa", "user.menu") }).waitFor();
    expect(await documentDirection(other)).toEqual({ lang: "fa", dir: "rtl" });

    // And back to English.
    await page.getByRole("radio", { name: "English" }).check();
    await page.getByRole("heading", { name: t("en", "settings.title") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "en", dir: "ltr" });
  });
});
