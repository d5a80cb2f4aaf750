// Importing customers from a CSV file with Persian column names and Persian digits: the wizard maps
// the columns by their names, a dry run reports the one bad row and writes nothing, and the real import
// shows its progress live (from waiting or part-way to 100 %, without a reload) until it finishes.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { Api, unique } from "./support/api";
import { screenshot, useBrowser } from "./support/browser";
import { faDigits, t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { documentDirection, login } from "./support/ui";

const b = useBrowser();
const PASSWORD = "e2e-import-pw-1";
const ROWS = 3000;
const HEADER = ["نام", "نام خانوادگی", "ایمیل", "موبایل", "برچسب"];
const FIELDS = ["first_name", "last_name", "email", "phone", "tags"];

let email: string;
let tag: string;

/** 0901 numbers: no other test's customer has one, so no row matches an existing customer. */
function phone(i: number): string {
  return `0901${1_000_000 + i}`;
}

function csv(): Buffer {
  const lines = [HEADER.join(",")];
  for (let i = 1; i <= ROWS; i++) {
    lines.push(["مینا", `واردشده ${i}`, `mina.${i}.${tag}@example.com`, faDigits(phone(i)), tag].join(","));
  }
  // One row the importer must refuse: its e-mail is no e-mail.
  lines.push(["بد", "ردیف", "not-an-email", faDigits(phone(ROWS + 1)), tag].join(","));
  return Buffer.from("\uFEFF" + lines.join("\r\n") + "\r\n", "utf8");
}

/** A counter of the import as a number, whatever digits and grouping the page shows it in. */
async function counter(page: Page, key: string): Promise<number> {
  const text = (await page.getByTestId(`import-count-${key}`).textContent()) ?? "";
  const latin = text.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)));
  return Number(latin.replace(/[^\d]/g, ""));
}

beforeAll(async () => {
  const admin = await Api.login(ADMIN.email, ADMIN.password);
  email = `${unique("importer")}@e2e.example.com`;
  tag = unique("e2e-import-");
  await admin.post("/users", { email, full_name: "Ida Importer", password: PASSWORD, role: "sales" });
});

describe("importing a CSV", () => {
  it("maps Persian column names, checks the file, then imports it with live progress", async () => {
    const page = b.page;
    await login(page, email, PASSWORD);
    await page.getByRole("main").getByRole("link", { name: t("en", "customers.import"), exact: true }).click();
    await page.waitForURL("**/customers/import");

    await page.getByLabel(t("en", "imports.upload.input")).setInputFiles({
      name: "customers.csv", mimeType: "text/csv", buffer: csv(),
    });
    await page.getByRole("region", { name: t("en", "imports.upload.chosen") }).getByText("customers.csv").waitFor();
    await page.getByRole("button", { name: t("en", "imports.upload.next") }).click();

    // Every Persian column name is recognised.
    const mappingTable = page.getByRole("table", { name: t("en", "imports.map.table") });
    await mappingTable.waitFor();
    for (const [i, column] of HEADER.entries()) {
      const choice = mappingTable.getByRole("textbox", { name: t("en", "imports.map.fieldFor", { column }) });
      expect(await choice.inputValue()).toBe(t("en", `imports.fields.${FIELDS[i]}`));
    }
    await screenshot(page, "import-mapping", "en");

    // Dry run: a report, nothing written.
    await page.getByRole("button", { name: t("en", "imports.map.dryRun") }).click();
    await page.getByRole("status").filter({ hasText: t("en", "imports.job.checked") }).waitFor({ timeout: 60_000 });
    expect(await counter(page, "total")).toBe(ROWS + 1);
    expect(await counter(page, "created")).toBe(ROWS);
    expect(await counter(page, "failed")).toBe(1);
    const errors = page.getByRole("table", { name: t("en", "imports.errors.table") });
    // The refused row, named by its e-mail column.
    await errors.getByRole("cell", { name: "ایمیل", exact: true }).waitFor();
    expect(await errors.getByRole("row").count()).toBe(2);
    const api = await Api.login(email, PASSWORD);
    const before = await api.get<{ total: number }>(`/customers?tag=${encodeURIComponent(tag)}&include_total=true&limit=1`);
    expect(before.total).toBe(0);

    // The real import: every change of the progress bar is recorded in the page as it happens.
    const label = t("en", "imports.progress.label");
    await page.evaluate((name) => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      const record = () => {
        const bar = document.querySelector(`[role="progressbar"][aria-label="${name}"]`);
        const value = bar ? Number(bar.getAttribute("aria-valuenow")) : null;
        if (value !== null && seen[seen.length - 1] !== value) seen.push(value);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    }, label);
    await page.getByRole("button", { name: t("en", "imports.job.runForReal") }).click();
    await page.waitForURL(/[?&]run=/);
    await page.getByRole("progressbar", { name: label }).waitFor();
    await page.getByRole("status").filter({ hasText: t("en", "imports.job.finished") }).waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    // Shown before the end and followed to 100 % without a reload, never going back.
    expect(seen[0]).toBeLessThan(100);
    expect(seen[seen.length - 1]).toBe(100);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(await counter(page, "created")).toBe(ROWS);
    expect(await counter(page, "failed")).toBe(1);
    await screenshot(page, "import-progress", "en");

    const after = await api.get<{ total: number }>(`/customers?tag=${encodeURIComponent(tag)}&include_total=true&limit=1`);
    expect(after.total).toBe(ROWS);

    // The same report in Persian, right to left.
    await api.request("PATCH", "/me", { language: "fa", calendar: "jalali" });
    await page.reload();
    await page.getByRole("status").filter({ hasText: t("fa", "imports.job.finished") }).waitFor();
    expect(await documentDirection(page)).toEqual({ lang: "fa", dir: "rtl" });
    expect(await counter(page, "created")).toBe(ROWS);
    await screenshot(page, "import-progress", "fa");

    // An imported customer is found by the phone typed in Persian digits.
    await page.getByRole("textbox", { name: t("fa", "search.label") }).fill(faDigits(phone(7)));
    await page.getByRole("listbox", { name: t("fa", "search.results") })
      .getByRole("option").filter({ hasText: "مینا واردشده 7" }).waitFor();
  });
});
