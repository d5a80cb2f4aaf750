// The first page's requests, started by a script of its own in index.html while the app's code is still
// downloading (see vite.config.ts); the API client adopts them (src/api/early.ts). Bundled apart from the
// app and with nothing shared, so that it runs as soon as it has loaded: keep React and Mantine out.
import { apiUrl, startEarly } from "../api/early";
import { firstListPageUrl } from "../features/customers/list-request";
import { formatInstantDate } from "../lib/dates";
import { formatNumber } from "../lib/digits";
import { getPreferences } from "../lib/preferences";

if (!window.location.pathname.startsWith("/login")) {
  // Who I am: the root route's loader asks for it on every page after login.
  startEarly(apiUrl("/api/v1/me"));
  const list = firstListPageUrl(window.location);
  if (list !== null) startEarly(list);

  // The first Intl formatter of a locale loads its data (~25 ms, more for Persian and its calendars);
  // later ones reuse it. Build one of each kind the list shows now, while the page waits for its code.
  const { language, calendar } = getPreferences();
  formatNumber(0, language);
  formatInstantDate(new Date().toISOString(), language, calendar);
}
