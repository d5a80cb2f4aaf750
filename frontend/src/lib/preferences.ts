// The viewer's language and calendar. They live on the user (PATCH /me) and are kept here as well so
// the login page and the first paint after a reload speak the right language. No React here: the page's
// boot script (src/app/early-requests.ts) reads them too; components use use-preferences.ts.
import { CALENDARS, type CalendarName } from "./dates";
import type { Language } from "./digits";

export interface Preferences {
  language: Language;
  calendar: CalendarName;
}

const KEY = "peyvand.preferences";

function defaults(): Preferences {
  const browser = typeof navigator === "undefined" ? "en" : navigator.language;
  return browser.toLowerCase().startsWith("fa")
    ? { language: "fa", calendar: "jalali" }
    : { language: "en", calendar: "gregorian" };
}

function load(): Preferences {
  const fallback = defaults();
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(KEY) ?? "null");
    if (typeof saved !== "object" || saved === null) return fallback;
    const { language, calendar } = saved as Record<string, unknown>;
    return {
      language: language === "fa" || language === "en" ? language : fallback.language,
      calendar: CALENDARS.includes(calendar as CalendarName) ? (calendar as CalendarName) : fallback.calendar,
    };
  } catch {
    return fallback;
  }
}

let current: Preferences = load();
let listeners: (() => void)[] = [];

export function getPreferences(): Preferences {
  return current;
}

export function setPreferences(change: Partial<Preferences>): void {
  const next = { ...current, ...change };
  if (next.language === current.language && next.calendar === current.calendar) return;
  current = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // storage disabled: the choice still holds for this page
  }
  for (const listener of listeners) listener();
}

export function subscribePreferences(listener: () => void): () => void {
  listeners = [...listeners, listener];
  return () => {
    listeners = listeners.filter((l) => l !== listener);
  };
}

export function directionOf(language: Language): "rtl" | "ltr" {
  return language === "fa" ? "rtl" : "ltr";
}
