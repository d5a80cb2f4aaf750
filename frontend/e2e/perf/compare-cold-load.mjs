// Two builds side by side: cold loads of /customers (a new browser context each, empty caches) against
// each server in turn, alternating which goes first, so both see the same machine load. Prints, per
// language and server, the median / max ms until the first rows are in the DOM and until they are laid
// out, every run, and the load average before and after. Run like customer-list-1m.mjs, with one server
// per build on the same database:
//
//   PERF_TOKEN=<bearer token> BASES=http://127.0.0.1:8771,http://127.0.0.1:8770 RUNS=8 \
//     node e2e/perf/compare-cold-load.mjs
import { chromium } from "playwright-core";
import { loadavg } from "node:os";

import { saveLanguage, signedInContext } from "./signed-in.mjs";
const BASES = (process.env.BASES ?? "http://127.0.0.1:8771,http://127.0.0.1:8770").split(",");
const RUNS = Number(process.env.RUNS ?? 8);
const LANGS = (process.env.LANGS ?? "en,fa").split(",");
const token = process.env.PERF_TOKEN;
if (!token) throw new Error("PERF_TOKEN: a bearer token for the servers' database (POST /api/v1/auth/token)");
function probe() {
  const m = { rows: null, painted: null }; window.__p = m;
  new MutationObserver(() => {
    if (m.rows === null && document.querySelector("table tbody tr")) {
      m.rows = performance.now();
      const ro = new ResizeObserver(() => { if (m.painted === null) m.painted = performance.now(); ro.disconnect(); });
      ro.observe(document.querySelector("table tbody"));
    }
  }).observe(document, { childList: true, subtree: true });
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const res = {};
const loads = [loadavg()[0]];
const restores = [];
for (const lang of LANGS) for (let i = 0; i < RUNS; i++) for (const base of (i % 2 ? [...BASES].reverse() : BASES)) {
  // The servers share one database: the user's saved language is set once per language.
  if (i === 0 && base === BASES[0]) restores.push(await saveLanguage(BASES[0], token, lang));
  const context = await signedInContext(browser, token, lang, probe);
  const page = await context.newPage();
  await page.goto(`${base}/customers`);
  await page.waitForFunction(() => window.__p.painted !== null, null, { timeout: 30000 });
  const m = await page.evaluate(() => window.__p);
  const key = `${lang} ${base.split(":").pop()}`;
  (res[key] ??= { rows: [], painted: [] });
  res[key].rows.push(Math.round(m.rows)); res[key].painted.push(Math.round(m.painted));
  await context.close();
}
loads.push(loadavg()[0]);
await browser.close();
await restores[0]?.(); // the language the user had saved before
const med = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : Math.round((s[n / 2 - 1] + s[n / 2]) / 2); };
for (const [k, v] of Object.entries(res)) console.log(`${k}: rows ${med(v.rows)}/${Math.max(...v.rows)} painted ${med(v.painted)}/${Math.max(...v.painted)}  rows=[${v.rows}] painted=[${v.painted}]`);
console.log(`load ${loads.map((l) => l.toFixed(2)).join(" -> ")}`);
