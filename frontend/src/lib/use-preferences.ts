// The viewer's language and calendar for components: re-render when they change.
import { useSyncExternalStore } from "react";

import { getPreferences, type Preferences, subscribePreferences } from "./preferences";

export function usePreferences(): Preferences {
  return useSyncExternalStore(subscribePreferences, getPreferences, getPreferences);
}
