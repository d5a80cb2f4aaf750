// The first page's requests, started by a script of its own in index.html while the app's code is still
// downloading (see vite.config.ts); the API client adopts them (src/api/early.ts). Bundled apart from the
// app and with nothing shared, so that it runs as soon as it has loaded: keep React and Mantine out.
import { apiUrl, startEarly } from "../api/early";
import { firstListPageUrl } from "../features/customers/list-request";

if (!window.location.pathname.startsWith("/login")) {
  // Who I am: the root route's loader asks for it on every page after login.
  startEarly(apiUrl("/api/v1/me"));
  const list = firstListPageUrl(window.location);
  if (list !== null) startEarly(list);
}
