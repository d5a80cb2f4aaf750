// How the perf scripts open the app: a fresh browser context (empty caches) signed in with a bearer token
// and set to a language, for a user whose saved language is that language — as a Persian user's is. The
// scripts switch the user's saved language and calendar for each language they measure (PATCH /me) and
// put them back at the end: intercepting /me in the browser instead added ~70 ms to every Persian load.

export async function signedInContext(browser, token, lang, ...initScripts) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: "Asia/Tehran" });
  await context.addInitScript(([t, l]) => {
    sessionStorage.setItem("peyvand.access_token", t);
    localStorage.setItem("peyvand.preferences", JSON.stringify({ language: l, calendar: l === "fa" ? "jalali" : "gregorian" }));
  }, [token, lang]);
  for (const script of initScripts) await context.addInitScript(script);
  return context;
}

async function me(base, token, change) {
  const headers = { Authorization: `Bearer ${token}` };
  const current = await fetch(`${base}/api/v1/me`, { headers });
  if (!current.ok) throw new Error(`GET /me: ${current.status}`);
  const before = await current.json();
  if (!change) return before;
  const response = await fetch(`${base}/api/v1/me`, {
    method: "PATCH",
    headers: { ...headers, "Content-Type": "application/json", "If-Match": current.headers.get("etag") ?? "*" },
    body: JSON.stringify(change),
  });
  if (!response.ok) throw new Error(`PATCH /me: ${response.status} ${await response.text()}`);
  return before;
}

/** Save ``lang`` (and its calendar) on the user; returns a function that restores what was saved before. */
export async function saveLanguage(base, token, lang) {
  const before = await me(base, token, { language: lang, calendar: lang === "fa" ? "jalali" : "gregorian" });
  return () => me(base, token, { language: before.language, calendar: before.calendar });
}
