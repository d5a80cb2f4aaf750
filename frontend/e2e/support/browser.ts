// Debian's Chromium driven by playwright-core: one browser per test file, a fresh context (no cookies,
// no storage) per test. Every request that leaves the test server is refused and fails the test, so the
// app is proven to work on a closed network; so does any uncaught error in the page.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";

import { ARTIFACTS } from "./paths";

// Nothing may reach out: no GPU, no QUIC, no update or sync services, no DNS beyond loopback.
const CLOSED_NETWORK_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-breakpad",
  "--metrics-recording-only",
  "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path): path is string => Boolean(path && existsSync(path)));
  if (!found) {
    throw new Error("No Chromium found: 'make chromium' installs Debian's, or set CHROMIUM_PATH");
  }
  return found;
}

export type Lang = "en" | "fa";

export interface Session {
  readonly baseUrl: string;
  /** The current test's page (a fresh context per test). */
  readonly page: Page;
  readonly context: BrowserContext;
  /** Another isolated browser context in the same test (say, a second user). */
  newPage(): Promise<Page>;
}

/** Registers the hooks of a browser test file and gives the tests their page. */
export function useBrowser(): Session {
  const baseUrl = inject("baseUrl");
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let current: { context: BrowserContext; page: Page } | undefined;
  let problems: string[] = [];

  async function open(): Promise<{ context: BrowserContext; page: Page }> {
    if (!browser) throw new Error("browser not launched");
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      // Where the users are: a date shifted by the UTC offset would show here.
      timezoneId: "Asia/Tehran",
    });
    context.setDefaultTimeout(15_000);
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl) || url.startsWith("data:") || url.startsWith("blob:")) {
        return route.continue();
      }
      problems.push(`request outside the test server: ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`uncaught error in the page: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) {
        problems.push(`refused by the Content-Security-Policy: ${message.text()}`);
      }
    });
    contexts.push(context);
    return { context, page };
  }

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CLOSED_NETWORK_ARGS });
  });

  beforeEach(async () => {
    problems = [];
    current = await open();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") await screenshotFailure(ctx.task.name, contexts);
    const found = problems;
    problems = [];
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
    current = undefined;
    if (found.length > 0) throw new Error(found.join("\n"));
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    baseUrl,
    get page() {
      if (!current) throw new Error("no page outside a test");
      return current.page;
    },
    get context() {
      if (!current) throw new Error("no context outside a test");
      return current.context;
    },
    async newPage() {
      return (await open()).page;
    },
  };
}

async function screenshotFailure(testName: string, contexts: BrowserContext[]): Promise<void> {
  const dir = join(ARTIFACTS, "failures");
  mkdirSync(dir, { recursive: true });
  const name = testName.replace(/[^\w-]+/g, "-").slice(0, 80);
  for (const [i, context] of contexts.entries()) {
    for (const [j, page] of context.pages().entries()) {
      await page.screenshot({ path: join(dir, `${name}-${i}-${j}.png`) }).catch(() => undefined);
    }
  }
}

/** Saves a key screen as a test artifact: e2e/artifacts/screenshots/<name>-<lang>.png. */
export async function screenshot(page: Page, name: string, lang: Lang): Promise<void> {
  const dir = join(ARTIFACTS, "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}-${lang}.png`), fullPage: true });
}
