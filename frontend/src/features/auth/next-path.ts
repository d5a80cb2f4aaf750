/** Where to go after logging in: a path inside the app (never another site, never the login page). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next === "/login" || next.startsWith("/login?") || next.startsWith("/login/") ? "/" : next;
}

/** The login address that brings the person back to `here` afterwards. */
export function loginPath(here: string): string {
  return here === "/" || here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}
