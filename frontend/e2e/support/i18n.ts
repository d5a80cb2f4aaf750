// The SPA's own translations, so tests find controls by the label a person reads in either language
// (a key missing from a language fails the lookup instead of matching the raw key).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { Lang } from "./browser";
import { FRONTEND } from "./paths";

type Tree = { [key: string]: string | Tree };

const cache = new Map<Lang, Tree>();

function bundle(lang: Lang): Tree {
  let tree = cache.get(lang);
  if (!tree) {
    tree = JSON.parse(readFileSync(join(FRONTEND, "src", "locales", `${lang}.json`), "utf8")) as Tree;
    cache.set(lang, tree);
  }
  return tree;
}

/** The translated text of `key` (dot path) in `lang`, with `{{name}}` placeholders filled in. */
export function t(lang: Lang, key: string, values: Record<string, string | number> = {}): string {
  let node: string | Tree | undefined = bundle(lang);
  for (const part of key.split(".")) {
    node = typeof node === "object" ? node[part] : undefined;
  }
  if (typeof node !== "string") throw new Error(`no ${lang} translation for ${key}`);
  // The Persian app shows the numbers it fills in with Persian digits.
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) return `{{${name}}}`;
    return lang === "fa" ? faDigits(value) : String(value);
  });
}

/** Persian digits, as the app shows numbers in Persian. */
export function faDigits(text: string | number): string {
  return String(text).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)] ?? d);
}
