// One cold navigation to /customers with Chromium's CPU profiler on: prints the long tasks, when the list
// Run like customer-list-1m.mjs (built app, API on the 1M database): PERF_LANG=fa node e2e/perf/profile-first-render.mjs
// answered and the rows appeared, and the functions with the most self time (minified names + location).
import { chromium } from "playwright-core";

import { saveLanguage, signedInContext } from "./signed-in.mjs";
const BASE = process.env.PERF_BASE_URL ?? "http://127.0.0.1:8760";
const LANG = process.env.PERF_LANG ?? "en";
// PERF_TOKEN reuses a token (the login is rate-limited).
const token = process.env.PERF_TOKEN ?? (await (await fetch(`${BASE}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username: process.env.PERF_EMAIL ?? "admin@bench.example.com", password: process.env.PERF_PASSWORD ?? "bench-admin-password-1234" }) })).json()).access_token;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
const restore = await saveLanguage(BASE, token, LANG);
const context = await signedInContext(browser, token, LANG, () => {
  window.__lt = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });
  window.__rows = null; window.__root = null; new MutationObserver(() => { const r = document.getElementById("root"); if (window.__root === null && r && r.childElementCount) window.__root = performance.now(); }).observe(document, { childList: true, subtree: true });
  new MutationObserver(() => { if (window.__rows === null && document.querySelector("table tbody tr")) window.__rows = performance.now(); }).observe(document, { childList: true, subtree: true });
});
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
await page.goto(`${BASE}/customers`);
await page.waitForFunction(() => window.__rows !== null, null, { polling: "raf" });
// PERF_AFTER_MS: how long to keep profiling after the rows appear (0: only what ran before them).
await page.waitForTimeout(Number(process.env.PERF_AFTER_MS ?? 300));
const { profile } = await cdp.send("Profiler.stop");
const info = await page.evaluate(() => ({ rows: window.__rows, root: window.__root, lt: window.__lt, api: performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/")).map((e) => [new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)]), res: performance.getEntriesByType("resource").filter((e) => !e.name.includes("/api/")).map((e) => [e.name.split("/").pop(), Math.round(e.startTime), Math.round(e.responseEnd)]) }));
console.log(JSON.stringify(info, null, 1));
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; let i = 0;
for (const s of profile.samples) { const n = byId.get(s); const f = n.callFrame; const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}:${f.columnNumber}`; self.set(key, (self.get(key) ?? 0) + (dt[i++] ?? 0) / 1000); }
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(1)}ms ${k}`).join("\n"));
await browser.close();
await restore();
