// The JavaScript a cold visit loads before the app can draw anything: the scripts and module preloads
// of a build's index.html (the entry's static imports), in bytes and gzipped. Lazily loaded chunks are
// not counted. No browser, no server:
//
//   node e2e/perf/first-page-js.mjs dist [/tmp/other-build]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

for (const dir of process.argv.slice(2).length ? process.argv.slice(2) : ["dist"]) {
  const html = readFileSync(`${dir}/index.html`, "utf8");
  const files = [...new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]))];
  let bytes = 0;
  let gzipped = 0;
  for (const file of files) {
    const content = readFileSync(`${dir}/${file}`);
    bytes += content.length;
    gzipped += gzipSync(content).length;
    console.log(`${String(content.length).padStart(9)}  ${file}`);
  }
  console.log(`${dir}: ${files.length} files, ${bytes} bytes (${gzipped} gzipped)\n`);
}
