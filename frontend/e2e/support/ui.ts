// Steps a person takes in the app, shared by the browser tests.
import type { Page } from "playwright-core";
import { expect } from "vitest";

import type { Lang } from "./browser";
import { t } from "./i18n";

/** Log in through the login page (in the language it currently shows) and wait to be let in. */
export async function login(page: Page, email: string, password: string, lang: Lang = "en"): Promise<void> {
  if (!new URL(page.url(), "http://x").pathname.startsWith("/login")) await page.goto("/login");
  await fillLogin(page, email, password, lang);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  // The app may answer in the user's saved language rather than the login page's.
  await userMenu(page, "en").or(userMenu(page, "fa")).waitFor();
}

export async function fillLogin(page: Page, email: string, password: string, lang: Lang = "en"): Promise<void> {
  await field(page, t(lang, "login.email")).fill(email);
  await field(page, t(lang, "login.password")).fill(password);
  await page.getByRole("button", { name: t(lang, "login.submit") }).click();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The form control labelled exactly `label` (a required field's label ends with an asterisk). */
export function field(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${escapeRegExp(label)}(\\s*\\*)?$`));
}

export function userMenu(page: Page, lang: Lang = "en") {
  return page.getByRole("button", { name: t(lang, "user.menu") });
}

export async function logout(page: Page, lang: Lang = "en"): Promise<void> {
  await userMenu(page, lang).click();
  await page.getByRole("menuitem", { name: t(lang, "user.logout") }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/login"));
}

/** The token the app holds for this tab (sessionStorage), as the server knows it. */
export async function tokenOf(page: Page): Promise<string> {
  const token = await page.evaluate(() => sessionStorage.getItem("peyvand.access_token"));
  expect(token).toBeTruthy();
  return token ?? "";
}

/** The document's language and direction, as the browser lays the page out. */
export async function documentDirection(page: Page): Promise<{ lang: string; dir: string }> {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}
