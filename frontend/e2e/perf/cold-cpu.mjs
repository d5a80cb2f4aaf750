// Main-thread CPU time before the first rows of a cold load of /customers, from a Chromium trace: thread
// time (what the page's main thread actually ran), not wall time, so that it says something on a machine
// busy with other work, where wall times swing by ±100 ms. Two builds side by side, alternating, like
// compare-cold-load.mjs (same servers, same token):
//
//   PERF_TOKEN=<bearer token> BASES=http://127.0.0.1:8771,http://127.0.0.1:8770 RUNS=10 \
//     node e2e/perf/cold-cpu.mjs
//
// Prints per language and server the median CPU ms (every run), and of it: script (V8 entry points,
// nested compiles included), compile (parsing and compiling functions), lifecycle (style, layout).
import { chromium } from "playwright-core";

import { saveLanguage, signedInContext } from "./signed-in.mjs";

const BASES = (process.env.BASES ?? "http://127.0.0.1:8771,http://127.0.0.1:8770").split(",");
const RUNS = Number(process.env.RUNS ?? 10);
const LANGS = (process.env.LANGS ?? "en,fa").split(",");
const token = process.env.PERF_TOKEN;
if (!token) throw new Error("PERF_TOKEN: a bearer token for the servers' database (POST /api/v1/auth/token)");

const TASKS = new Set(["ThreadControllerImpl::RunTask", "RunTask"]);
const SCRIPT = new Set(["v8.run", "v8.callFunction", "v8.evaluateModule", "FunctionCall", "EvaluateScript", "RunMicrotasks"]);
const COMPILE = new Set(["V8.ParseFunction", "V8.CompileIgnition", "V8.CompileCode", "V8.PreParse", "V8.ParseProgram", "v8.compileModule"]);
const LIFECYCLE = new Set(["WebFrameWidgetImpl::UpdateLifecycle"]);

function probe() {
  let done = false;
  new MutationObserver(() => {
    if (!done && document.querySelector("table tbody tr")) {
      done = true;
      performance.mark("rows");
      window.__rows = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Thread time of the outermost events of each kind on the page's main thread until the rows. */
function cpuBeforeRows(events) {
  const mark = events.find((e) => e.name === "rows" && (e.cat ?? "").includes("user_timing"));
  const main = events.find((e) => e.pid === mark.pid && e.ph === "M" && e.name === "thread_name" && e.args.name === "CrRendererMain").tid;
  const timed = events
    .filter((e) => e.pid === mark.pid && e.tid === main && e.ph === "X" && e.tdur !== undefined && e.ts <= mark.ts)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const sums = { cpu: 0, script: 0, compile: 0, lifecycle: 0 };
  const ends = { cpu: -1, script: -1, compile: -1, lifecycle: -1 };
  const add = (kind, e) => {
    if (e.ts < ends[kind]) return; // nested in one already counted
    sums[kind] += e.tdur / 1000;
    ends[kind] = e.ts + e.dur;
  };
  for (const e of timed) {
    if (TASKS.has(e.name)) add("cpu", e);
    if (SCRIPT.has(e.name)) add("script", e);
    if (COMPILE.has(e.name)) add("compile", e);
    if (LIFECYCLE.has(e.name)) add("lifecycle", e);
  }
  return sums;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const results = {};
try {
  for (const lang of LANGS) {
    // The servers share one database: the user's saved language is set once per language.
    const restore = await saveLanguage(BASES[0], token, lang);
    for (let i = 0; i < RUNS; i++) for (const base of (i % 2 ? [...BASES].reverse() : BASES)) {
      const context = await signedInContext(browser, token, lang, probe);
      const page = await context.newPage();
      await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "disabled-by-default-v8.compile", "blink.user_timing", "blink", "toplevel", "v8.execute"] });
      await page.goto(`${base}/customers`);
      await page.waitForFunction(() => window.__rows !== undefined, null, { timeout: 30_000 });
      const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
      (results[`${lang} ${base.split(":").pop()}`] ??= []).push(cpuBeforeRows(traceEvents));
      await context.close();
    }
    await restore();
  }
} finally {
  await browser.close();
}
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [key, runs] of Object.entries(results)) {
  const m = (kind) => Math.round(median(runs.map((r) => r[kind])));
  console.log(`${key}: CPU before rows ${m("cpu")} ms (script ${m("script")}, compile ${m("compile")}, lifecycle ${m("lifecycle")})  runs=[${runs.map((r) => Math.round(r.cpu))}]`);
}
