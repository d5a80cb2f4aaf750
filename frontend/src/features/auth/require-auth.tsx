import { type ReactNode, useEffect, useSyncExternalStore } from "react";
import { Navigate, useLocation } from "react-router";

import { getToken, subscribe } from "../../api/session";
import { setPreferences } from "../../lib/preferences";
import { loginPath } from "./next-path";
import { useMe } from "./queries";

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, getToken);
}

/** Children only with a session; otherwise (never logged in, logged out, or the token expired) the login
 * page, which brings the person back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const token = useToken();
  const location = useLocation();
  if (!token) {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  }
  return (
    <>
      <SyncPreferences />
      {children}
    </>
  );
}

/** The language and calendar saved on the user win over what this browser remembered. */
function SyncPreferences() {
  const me = useMe();
  const language = me.data?.language;
  const calendar = me.data?.calendar;
  useEffect(() => {
    if (language && calendar) setPreferences({ language, calendar });
  }, [language, calendar]);
  return null;
}
