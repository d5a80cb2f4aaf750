// The web app and the API docs load from the test server alone: the harness refuses and reports every
// request to anywhere else, as on a machine without internet.
import { describe, expect, it } from "vitest";

import { useBrowser } from "./support/browser";
import { t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { login } from "./support/ui";

const b = useBrowser();

describe("served by peyvand run on a closed network", () => {
  it("serves the web app at / without any outside request", async () => {
    const page = b.page;
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain("Peyvand");
  });

  it("shows the interactive API docs from the bundled Swagger UI", async () => {
    const page = b.page;
    await page.goto("/api/docs");
    // Swagger UI renders the contract's title once its script (served locally) has run.
    await page.locator(".swagger-ui .info .title").getByText("Peyvand CRM").waitFor();
    await page.getByText("/api/v1/customers", { exact: true }).first().waitFor();
  });
});

describe("the navigation", () => {
  it("opens the customer list from another page", async () => {
    const page = b.page;
    await login(page, ADMIN.email, ADMIN.password);
    await page.goto("/settings");
    await page.getByRole("heading", { name: t("en", "settings.title") }).waitFor();
    const nav = page.getByRole("navigation", { name: t("en", "nav.main") });
    await nav.getByRole("link", { name: t("en", "nav.customers"), exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/customers");
    await page.getByRole("heading", { name: t("en", "customers.title") }).waitFor();
    // Inside its section the item shows the section's pages.
    await nav.getByRole("link", { name: t("en", "nav.customerList") }).waitFor();
  });
});
