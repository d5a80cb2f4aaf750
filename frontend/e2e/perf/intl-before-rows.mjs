// Which Intl objects (and toLocale*String / localeCompare calls) a cold load of /customers makes before
// its first rows are in the DOM, with where they were made: the first one of a locale costs 15–70 ms of
// ICU locale data on the main thread. Run like cold-cpu.mjs against one build:
//
//   PERF_TOKEN=<bearer token> PERF_BASE_URL=http://127.0.0.1:8770 node e2e/perf/intl-before-rows.mjs
//
// Prints, per language, each call before the rows (what, arguments, the top of its stack) and the count
// after them until the page has been idle for a second.
import { chromium } from "playwright-core";

import { saveLanguage, signedInContext } from "./signed-in.mjs";

const BASE = process.env.PERF_BASE_URL ?? "http://127.0.0.1:8760";
const LANGS = (process.env.LANGS ?? "en,fa").split(",");
const token = process.env.PERF_TOKEN;
if (!token) throw new Error("PERF_TOKEN: a bearer token for the server's database (POST /api/v1/auth/token)");

function spy() {
  const calls = [];
  window.__intl = calls;
  window.__rowsSeen = false;
  const note = (what, args) => {
    let shown;
    try { shown = JSON.stringify(args); } catch { shown = String(args); }
    calls.push({ what, args: shown, beforeRows: !window.__rowsSeen, stack: (new Error().stack ?? "").split("\n").slice(3, 7).map((s) => s.trim()) });
  };
  for (const name of ["DateTimeFormat", "NumberFormat", "Collator", "PluralRules", "RelativeTimeFormat", "ListFormat", "DisplayNames", "Segmenter", "Locale"]) {
    const Original = Intl[name];
    if (!Original) continue;
    const wrapped = new Proxy(Original, {
      construct(target, args, newTarget) { note(`new Intl.${name}`, args); return Reflect.construct(target, args, newTarget); },
      apply(target, self, args) { note(`Intl.${name}()`, args); return Reflect.apply(target, self, args); },
    });
    Intl[name] = wrapped;
  }
  for (const name of ["getCanonicalLocales", "supportedValuesOf"]) {
    const original = Intl[name];
    if (original) Intl[name] = function (...args) { note(`Intl.${name}`, args); return original.apply(this, args); };
  }
  const methods = [[Date.prototype, "toLocaleString"], [Date.prototype, "toLocaleDateString"], [Date.prototype, "toLocaleTimeString"],
    [Number.prototype, "toLocaleString"], [BigInt.prototype, "toLocaleString"], [Array.prototype, "toLocaleString"],
    [String.prototype, "localeCompare"], [String.prototype, "toLocaleLowerCase"], [String.prototype, "toLocaleUpperCase"]];
  for (const [proto, name] of methods) {
    const original = proto[name];
    proto[name] = function (...args) { note(`${proto === Date.prototype ? "Date" : proto === Number.prototype ? "Number" : proto === String.prototype ? "String" : "other"}#${name}`, args); return original.apply(this, args); };
  }
  new MutationObserver(() => {
    if (!window.__rowsSeen && document.querySelector("table tbody tr")) window.__rowsSeen = true;
  }).observe(document, { childList: true, subtree: true });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const lang of LANGS) {
    const restore = await saveLanguage(BASE, token, lang);
    const context = await signedInContext(browser, token, lang, spy);
    const page = await context.newPage();
    await page.goto(`${BASE}/customers`);
    await page.waitForFunction(() => window.__rowsSeen, null, { timeout: 30_000 });
    await page.waitForTimeout(Number(process.env.PERF_AFTER_MS ?? 1500));
    const calls = await page.evaluate(() => window.__intl);
    const before = calls.filter((c) => c.beforeRows);
    console.log(`${lang}: ${before.length} before the rows, ${calls.length - before.length} after`);
    for (const c of before) console.log(`  ${c.what} ${c.args}\n    ${c.stack.join("\n    ")}`);
    if (process.env.SHOW_AFTER) for (const c of calls.filter((x) => !x.beforeRows)) console.log(`  after: ${c.what} ${c.args}\n    ${c.stack.join("\n    ")}`);
    await context.close();
    await restore();
  }
} finally {
  await browser.close();
}
