// A fresh browser context (empty caches) signed in with a bearer token and set to a language, as the perf
// scripts open it. Persian also rewrites the /me answer to Persian and Jalali, so the app does not switch
// to the user's saved language (and render twice) and the user's saved choice is never changed.
export async function signedInContext(browser, token, lang, ...initScripts) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: "Asia/Tehran" });
  await context.addInitScript(([t, l]) => {
    sessionStorage.setItem("peyvand.access_token", t);
    localStorage.setItem("peyvand.preferences", JSON.stringify({ language: l, calendar: l === "fa" ? "jalali" : "gregorian" }));
  }, [token, lang]);
  for (const script of initScripts) await context.addInitScript(script);
  if (lang === "fa") {
    await context.route("**/api/v1/me", async (route) => {
      const response = await route.fetch();
      const me = await response.json();
      await route.fulfill({ response, json: { ...me, language: "fa", calendar: "jalali" } });
    });
  }
  return context;
}
