import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import en from "./en.json";
import fa from "./fa.json";

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  return typeof node === "string" ? node : undefined;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? "").sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("translations", () => {
  const enKeys = keys(en as Tree);
  const faKeys = keys(fa as Tree);

  it("has every English key in Persian", () => {
    expect(enKeys.filter((key) => !faKeys.includes(key))).toEqual([]);
  });

  it("has every Persian key in English", () => {
    expect(faKeys.filter((key) => !enKeys.includes(key))).toEqual([]);
  });

  it("uses the same placeholders in both languages", () => {
    const differing = enKeys.filter(
      (key) => placeholders(lookup(en as Tree, key) ?? "").join() !== placeholders(lookup(fa as Tree, key) ?? "").join(),
    );
    expect(differing).toEqual([]);
  });

  it("translates every literal key the code asks for", () => {
    const root = join(__dirname, "..");
    const missing = sources(root).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/\bt\(\s*"([a-zA-Z0-9_.-]+)"/g)]
        .map((m) => m[1] ?? "")
        .filter((key) => lookup(en as Tree, key) === undefined)
        .map((key) => `${file.slice(root.length + 1)}: ${key}`),
    );
    expect(missing).toEqual([]);
  });
});
