// The dates and numbers the app writes without Intl (src/lib/dates.ts, digits.ts) against the Intl of
// the browser itself: the unit tests compare with Node's ICU, and Chromium ships its own. The library is
// bundled here and run in a blank page, in three time zones.
import type { Page } from "playwright-core";
import { build } from "rolldown";
import { beforeAll, describe, expect, it } from "vitest";

import { useBrowser } from "./support/browser";

const b = useBrowser();
let library = "";

beforeAll(async () => {
  const entry = new URL("../src/lib/", import.meta.url).pathname;
  const result = await build({
    input: "virtual-entry",
    write: false,
    output: { format: "iife", name: "intlFree" },
    plugins: [{
      name: "entry",
      resolveId: (id) => (id === "virtual-entry" ? id : null),
      load: (id) => (id === "virtual-entry"
        ? `export { CALENDARS, formatDate, formatInstantDate, intlLocale } from "${entry}dates.ts";
           export { formatNumber, normalizeNumber, numberLocale } from "${entry}digits.ts";`
        : null),
    }],
  });
  library = result.output[0].code;
});

interface Found { checked: number; differences: string[] }

/** Runs in the page: every way the library and the browser's Intl disagree (the first five). */
function compare(): Found {
  type Lib = {
    CALENDARS: string[];
    formatDate: (iso: string, l: string, c: string) => string;
    formatInstantDate: (instant: string, l: string, c: string) => string;
    intlLocale: (l: string, c: string) => string;
    formatNumber: (v: number | string, l: string, f: number) => string;
    normalizeNumber: (v: string) => string;
    numberLocale: (l: string) => string;
  };
  const lib = (window as unknown as { intlFree: Lib }).intlFree;
  const found: Found = { checked: 0, differences: [] };
  const check = (what: string, ours: string, theirs: string) => {
    found.checked++;
    if (ours !== theirs && found.differences.length < 5) found.differences.push(`${what}: ${JSON.stringify(ours)} ≠ ${JSON.stringify(theirs)}`);
  };
  const DAY = 86_400_000;
  for (const l of ["en", "fa"]) {
    for (const c of lib.CALENDARS) {
      const utc = new Intl.DateTimeFormat(lib.intlLocale(l, c), { dateStyle: "medium", timeZone: "UTC" });
      const local = new Intl.DateTimeFormat(lib.intlLocale(l, c), { dateStyle: "medium" });
      for (let t = Date.parse("1900-01-01"); t <= Date.parse("2100-12-31"); t += DAY) {
        const iso = new Date(t).toISOString().slice(0, 10);
        check(`${l} ${c} ${iso}`, lib.formatDate(iso, l, c), utc.format(t));
      }
      for (let t = Date.parse("1900-01-01T00:00:00Z"); t <= Date.parse("2100-12-31T00:00:00Z"); t += 433 * 7 * 60_000) {
        const instant = new Date(t).toISOString();
        check(`${l} ${c} ${instant}`, lib.formatInstantDate(instant, l, c), local.format(t));
      }
      // Each side of every local midnight of 2011–2012.
      for (let t = Date.parse("2011-01-01T00:00:00Z"); t < Date.parse("2013-01-01T00:00:00Z"); t += 15 * 60_000) {
        const d = new Date(t);
        if (d.getHours() !== 0 || d.getMinutes() >= 15) continue;
        const midnight = t - d.getMinutes() * 60_000 - d.getSeconds() * 1000 - d.getMilliseconds();
        for (const m of [midnight, midnight - 1]) check(`${l} ${c} ${new Date(m).toISOString()}`, lib.formatInstantDate(new Date(m).toISOString(), l, c), local.format(m));
      }
    }
    for (const f of [0, 1, 2, 6]) {
      const intl = new Intl.NumberFormat(lib.numberLocale(l), { maximumFractionDigits: f });
      const numbers = [0, -0, 0.5, 2.5, -2.5, 1.005, 9.995, -0.001, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2];
      for (let n = -3000; n <= 3000; n++) numbers.push(n * 997, n / 8, n / 1000 + 0.0005, n * 1234.56789);
      for (const n of numbers) check(`${l} ${f} ${n}`, lib.formatNumber(n, l, f), intl.format(n));
      const exact = intl.format as unknown as (v: string) => string;
      for (const s of ["-0.00", "+5", "007.50", "1250000.00", "99999999999999999999.995", "12345678901234567.25", "۱۲۳۴۵۶۷٫۸۹"]) {
        check(`${l} ${f} "${s}"`, lib.formatNumber(s, l, f), exact(lib.normalizeNumber(s)));
      }
    }
  }
  return found;
}

async function compareIn(page: Page): Promise<Found> {
  await page.evaluate(library);
  return page.evaluate(compare);
}

describe("dates and numbers without Intl, in Chromium", () => {
  it("write what Chromium's Intl writes, in Tehran", async () => {
    const found = await compareIn(b.page);
    expect(found.differences).toEqual([]);
    expect(found.checked).toBeGreaterThan(500_000);
  });

  for (const timezoneId of ["America/New_York", "Pacific/Apia"]) {
    it(`write what Chromium's Intl writes, in ${timezoneId}`, async () => {
      const browser = b.context.browser();
      if (!browser) throw new Error("no browser");
      const context = await browser.newContext({ timezoneId });
      try {
        const page = await context.newPage();
        expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(timezoneId);
        const found = await compareIn(page);
        expect(found.differences).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
