// Logging in and out, and a session the server ended: the person is asked to log in again and comes
// back to the page they were on.
import { describe, expect, it } from "vitest";

import { screenshot, useBrowser } from "./support/browser";
import { t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { documentDirection, fillLogin, login, logout, tokenOf, userMenu } from "./support/ui";

const b = useBrowser();

describe("logging in", () => {
  it("refuses a wrong password with a message, then lets the right one in", async () => {
    const page = b.page;
    await page.goto("/");
    await page.waitForURL((url) => url.pathname === "/login");
    await screenshot(page, "login", "en");

    await fillLogin(page, ADMIN.email, "not-the-password");
    await page.getByRole("alert").getByText(t("en", "login.wrong")).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");

    await login(page, ADMIN.email, ADMIN.password);
    expect(new URL(page.url()).pathname).toBe("/customers");
  });

  it("shows the login page in Persian, right to left, when asked", async () => {
    const page = b.page;
    await page.goto("/login");
    await page.getByRole("button", { name: t("en", "language.switchTo") }).click();
    await page.getByRole("button", { name: t("fa", "login.submit") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "fa", dir: "rtl" });
    await screenshot(page, "login", "fa");

    await fillLogin(page, ADMIN.email, "not-the-password", "fa");
    await page.getByRole("alert").getByText(t("fa", "login.wrong")).waitFor();
  });
});

describe("logging out", () => {
  it("returns to the login page and the old token no longer works", async () => {
    const page = b.page;
    await login(page, ADMIN.email, ADMIN.password);
    const token = await tokenOf(page);

    await logout(page);
    const me = await fetch(`${b.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);

    // The app itself no longer lets the person in either.
    await page.goto("/settings");
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("button", { name: t("en", "login.submit") }).waitFor();
  });
});

describe("a session the server ended", () => {
  it("asks to log in again and brings the person back to the page they were on", async () => {
    const page = b.page;
    await login(page, ADMIN.email, ADMIN.password);
    await page.goto("/settings");
    await page.getByRole("heading", { name: t("en", "settings.title") }).waitFor();

    // The token ends on the server (revoked, or past its lifetime) while the tab still holds it.
    const token = await tokenOf(page);
    const revoked = await fetch(`${b.baseUrl}/api/v1/auth/logout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(204);

    await page.reload();
    await page.waitForURL((url) => url.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/settings");
    await page.getByRole("status").getByText(t("en", "login.expired")).waitFor();

    await login(page, ADMIN.email, ADMIN.password);
    expect(new URL(page.url()).pathname).toBe("/settings");
    await page.getByRole("heading", { name: t("en", "settings.title") }).waitFor();
    await userMenu(page).waitFor();
  });
});
