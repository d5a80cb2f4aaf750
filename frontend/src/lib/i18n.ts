// i18next with both languages bundled (no translation is fetched at run time). The language follows
// the viewer's preference, and so do <html lang> and <html dir>.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";

import en from "../locales/en.json";
import fa from "../locales/fa.json";
import { directionOf, getPreferences, subscribePreferences } from "./preferences";

export const resources = { en: { translation: en }, fa: { translation: fa } } as const;

function applyToDocument(language: "en" | "fa"): void {
  if (typeof document === "undefined") return;
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export function initI18n(): typeof i18next {
  const { language } = getPreferences();
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  applyToDocument(language);
  subscribePreferences(() => {
    const next = getPreferences().language;
    if (i18next.language !== next) void i18next.changeLanguage(next);
    applyToDocument(next);
  });
  return i18next;
}
