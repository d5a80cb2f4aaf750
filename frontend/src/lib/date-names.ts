// What Intl's dateStyle "medium" writes in the app's locales (en-GB, fa-IR), per calendar: the month's
// name and what follows the year (the era, where the locale writes one). Copied from ICU's data (CLDR 48,
// as Chromium and Node 20 ship it); dates.test.ts compares every day of 1900–2100 with Intl.
import type { CalendarName } from "./dates";
import type { Language } from "./digits";

export const MONTH_NAMES: Record<Language, Record<CalendarName, readonly string[]>> = {
  en: {
    gregorian: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
    jalali: ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"],
    hijri: ["Muh.", "Saf.", "Rab. I", "Rab. II", "Jum. I", "Jum. II", "Raj.", "Sha.", "Ram.", "Shaw.", "Dhu\u02bbl-Q.", "Dhu\u02bbl-H."],
  },
  fa: {
    gregorian: ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"],
    jalali: ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"],
    // The joined names carry a zero-width non-joiner (U+200C), as ICU writes them.
    hijri: ["محرم", "صفر", "ربیع\u200cالاول", "ربیع\u200cالثانی", "جمادی\u200cالاول", "جمادی\u200cالثانی", "رجب", "شعبان", "رمضان", "شوال", "ذیقعده", "ذیحجه"],
  },
};

/** After the year: " AP" (Anno Persico) and " AH" in English; Persian writes only the Hijri era, with a
 * zero-width joiner (U+200D) after its «ه». */
export const ERA_SUFFIX: Record<Language, Record<CalendarName, string>> = {
  en: { gregorian: "", jalali: " AP", hijri: " AH" },
  fa: { gregorian: "", jalali: "", hijri: " ه\u200d.ق." },
};
