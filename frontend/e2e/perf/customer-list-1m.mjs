// How fast the customer list answers on a big database, as a person sees it in Chromium: from navigating
// to /customers until the first rows are on screen (cold: a new browser context, empty caches; warm: a
// reload in the same context, HTTP and V8 code caches filled; nav: from /settings, a click on the
// Customers link until the rows are shown), and from the last keystroke of a search until its results
// have replaced the rows (the list's debounce included). Not a test: no pass or fail, it prints medians,
// maxima and where the time went (API vs the rest), in English and in Persian.
//
// Plain .mjs on purpose: `npm run test:e2e` runs only e2e/**/*.e2e.ts and type-checks only .ts files,
// so this never joins the browser suite. Run it against a server that already has the data:
//
//   cd frontend && npm run build
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/peyvand_bench REDIS_URL=redis://127.0.0.1:6379/13 \
//     PEYVAND_PORT=8760 ../.venv/bin/peyvand api &
//   PERF_BASE_URL=http://127.0.0.1:8760 PERF_EMAIL=admin@bench.example.com \
//     PERF_PASSWORD=bench-admin-password-1234 node e2e/perf/customer-list-1m.mjs
//
// PERF_TOKEN reuses a token instead of logging in (the login is rate-limited); PERF_MODES picks among
// cold, warm, nav and search (all by default). Nothing is written to the database beyond the login and the
// user's saved language and calendar, set to the language being measured and put back afterwards.
import { chromium } from "playwright-core";

import { saveLanguage, signedInContext } from "./signed-in.mjs";

const BASE = process.env.PERF_BASE_URL ?? "http://127.0.0.1:8760";
const EMAIL = process.env.PERF_EMAIL ?? "admin@bench.example.com";
const PASSWORD = process.env.PERF_PASSWORD ?? "bench-admin-password-1234";
const RUNS = Number(process.env.PERF_RUNS ?? 5);
const SEARCHES = (process.env.PERF_SEARCHES ?? "علی,sara").split(",");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LANGS = (process.env.PERF_LANGS ?? "en,fa").split(",");
const MODES = (process.env.PERF_MODES ?? "cold,warm,nav,search").split(",");

// In the page before the app: note when the list's first rows appear, and when the search box was last typed in.
function probe() {
  performance.setResourceTimingBufferSize(2000); // the directory alone is 50 requests on the bench
  const marks = { firstRows: null, firstRowsPainted: null, lastInput: null, lastClick: null };
  window.__perf = marks;
  const rows = () => document.querySelectorAll("table tbody tr").length > 0;
  new MutationObserver(() => {
    if (marks.firstRows === null && rows()) {
      marks.firstRows = performance.now();
      // The rows are in the page; a ResizeObserver first reports in the next frame right after its
      // layout, just before the paint: about when they are on screen (whatever ran in between).
      const observer = new ResizeObserver(() => {
        if (marks.firstRowsPainted === null) marks.firstRowsPainted = performance.now();
        observer.disconnect();
      });
      observer.observe(document.querySelector("table tbody"));
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === "search") marks.lastInput = performance.now();
  }, true);
  // The in-app navigation's start: the click's own time stamp (same clock as performance.now()).
  document.addEventListener("click", (event) => { marks.lastClick = event.timeStamp; }, true);
}

async function login() {
  if (process.env.PERF_TOKEN) return process.env.PERF_TOKEN;
  const response = await fetch(`${BASE}/api/v1/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ username: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

function openContext(browser, token, lang) {
  return signedInContext(browser, token, lang, probe);
}

/** The API calls of the page so far: path (and query), start and end in ms since navigation. */
async function apiTimings(page) {
  return page.evaluate(() =>
    performance.getEntriesByType("resource")
      .filter((e) => new URL(e.name).pathname.startsWith("/api/"))
      .map((e) => {
        const url = new URL(e.name);
        return { path: url.pathname + url.search, start: e.startTime, end: e.responseEnd };
      }),
  );
}

async function firstPage(browser, token, lang) {
  const context = await openContext(browser, token, lang);
  const page = await context.newPage();
  await page.goto(`${BASE}/customers`);
  await page.waitForFunction(() => window.__perf.firstRowsPainted !== null, null, { timeout: 30_000 });
  const { firstRows: shown, firstRowsPainted: painted } = await page.evaluate(() => window.__perf);
  const html = await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.responseEnd ?? NaN);
  const calls = await apiTimings(page);
  const list = calls.find((c) => c.path.startsWith("/api/v1/customers?"));
  await context.close();
  return { total: shown, painted, html, listStart: list?.start ?? NaN, listEnd: list?.end ?? NaN, calls };
}

/** Reloads in one context: the first load fills the caches (and a second has V8 keep compiled code),
 * then each timed reload is measured like a cold one. */
async function warmReloads(browser, token, lang, runs) {
  const context = await openContext(browser, token, lang);
  const page = await context.newPage();
  const results = [];
  for (let i = 0; i < runs + 2; i++) {
    if (i === 0) await page.goto(`${BASE}/customers`);
    else await page.reload();
    await page.waitForFunction(() => window.__perf.firstRowsPainted !== null, null, { timeout: 30_000 });
    const { firstRows: shown, firstRowsPainted: painted } = await page.evaluate(() => window.__perf);
    const calls = await apiTimings(page);
    const list = calls.find((c) => c.path.startsWith("/api/v1/customers?"));
    if (i >= 2) results.push({ total: shown, painted, listStart: list?.start ?? NaN, listEnd: list?.end ?? NaN, calls });
    await page.waitForTimeout(300);
  }
  await context.close();
  return results;
}

/** From the settings page (loaded and idle), a click on the navigation's Customers link until the rows show. */
async function inAppNavigations(browser, token, lang, runs) {
  const context = await openContext(browser, token, lang);
  const page = await context.newPage();
  const results = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(`${BASE}/settings`);
    await page.locator('main input[type="radio"]').first().waitFor();
    await page.waitForTimeout(500);
    const link = page.locator('nav a[href="/customers"]').first();
    await link.click();
    await page.waitForFunction(() => window.__perf.firstRowsPainted !== null, null, { timeout: 30_000 });
    const { firstRows, firstRowsPainted, lastClick } = await page.evaluate(() => window.__perf);
    const calls = await apiTimings(page);
    const list = calls.filter((c) => c.path.startsWith("/api/v1/customers?")).pop();
    results.push({ total: firstRows - lastClick, painted: firstRowsPainted - lastClick, listStart: list ? list.start - lastClick : NaN, listEnd: list ? list.end - lastClick : NaN });
  }
  await context.close();
  return results;
}

function firstRowsReport(runs) {
  return {
    firstRows: stats(runs.map((r) => r.total)),
    firstRowsPainted: stats(runs.map((r) => r.painted)),
    ...(runs[0]?.html !== undefined ? { htmlEnd: stats(runs.map((r) => r.html)) } : {}),
    listApiStart: stats(runs.map((r) => r.listStart)),
    listApiEnd: stats(runs.map((r) => r.listEnd)),
    listApi: stats(runs.map((r) => r.listEnd - r.listStart)),
  };
}

async function search(page, text) {
  const box = page.locator('input[type="search"]').first();
  await box.fill("");
  await page.waitForTimeout(600); // the cleared box settles (its own debounced request) before the timed typing
  await page.waitForFunction(() => document.querySelector("[aria-busy]")?.getAttribute("aria-busy") === "false");
  await box.pressSequentially(text, { delay: 60 });
  await page.waitForFunction(
    (expected) => {
      const busy = document.querySelector("[aria-busy]");
      const settled = busy ? busy.getAttribute("aria-busy") === "false" : true;
      const inUrl = new URLSearchParams(location.search).get("q") === expected;
      const answered = performance.getEntriesByType("resource").some((e) => {
        const url = new URL(e.name);
        return url.pathname === "/api/v1/customers" && url.searchParams.get("q") === expected && e.responseEnd > 0;
      });
      // Answered and no longer busy: the rows drawn are this search's. (Not "the first row changed": the
      // bench's writes are the newest rows and named like the searches, so both lists can start alike.)
      if (settled && inUrl && answered && window.__perf.done === undefined) window.__perf.done = performance.now();
      return window.__perf.done !== undefined;
    },
    text,
    { timeout: 30_000, polling: "raf" },
  );
  const { lastInput, done } = await page.evaluate(() => window.__perf);
  await page.evaluate(() => { delete window.__perf.done; });
  const calls = await apiTimings(page);
  const call = calls.filter((c) => new URLSearchParams(c.path.split("?")[1] ?? "").get("q") === text).pop();
  return { total: done - lastInput, apiStart: call ? call.start - lastInput : NaN, api: call ? call.end - call.start : NaN, apiEnd: call ? call.end - lastInput : NaN };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: Math.round(median), max: Math.round(sorted[sorted.length - 1]), all: values.map(Math.round) };
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const token = await login();
const report = {};
try {
  for (const lang of LANGS) {
    const restore = await saveLanguage(BASE, token, lang);
    report[lang] = {};
    if (MODES.includes("cold")) {
      const first = [];
      for (let i = 0; i < RUNS; i++) first.push(await firstPage(browser, token, lang));
      report[lang].cold = {
        ...firstRowsReport(first),
        calls: first[first.length - 1].calls.map((c) => ({ ...c, start: Math.round(c.start), end: Math.round(c.end) })),
      };
    }
    if (MODES.includes("warm")) report[lang].warmReload = firstRowsReport(await warmReloads(browser, token, lang, RUNS));
    if (MODES.includes("nav")) report[lang].inAppNavigation = firstRowsReport(await inAppNavigations(browser, token, lang, RUNS));
    if (MODES.includes("search")) {
      const searches = Object.fromEntries(SEARCHES.map((s) => [s, []]));
      for (let i = 0; i < RUNS; i++) {
        const context = await openContext(browser, token, lang);
        const page = await context.newPage();
        await page.goto(`${BASE}/customers`);
        await page.waitForFunction(() => window.__perf.firstRowsPainted !== null, null, { timeout: 30_000 });
        for (const text of SEARCHES) searches[text].push(await search(page, text));
        await context.close();
      }
      report[lang].search = Object.fromEntries(
        SEARCHES.map((s) => [s, {
          total: stats(searches[s].map((r) => r.total)),
          api: stats(searches[s].map((r) => r.api)),
          apiStart: stats(searches[s].map((r) => r.apiStart)),
          apiEnd: stats(searches[s].map((r) => r.apiEnd)),
        }]),
      );
    }
    await restore();
    console.error(`${lang}: done`);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
