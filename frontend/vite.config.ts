import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { build, type Plugin } from "vite";
import { defineConfig } from "vitest/config";

// In development the API runs on :8000 (`make dev`; PEYVAND_DEV_API points elsewhere); the browser only
// ever talks to Vite's origin, so the same-origin CSP the API sends holds in development too.
const API = process.env.PEYVAND_DEV_API ?? "http://127.0.0.1:8000";

// The API's interactive docs (/api/docs) load Swagger UI from here, so they work without internet.
function swaggerUi(): Plugin {
  const require = createRequire(import.meta.url);
  return {
    name: "peyvand-swagger-ui",
    apply: "build",
    closeBundle() {
      const source = dirname(require.resolve("swagger-ui-dist/package.json"));
      const target = join("dist", "api-docs");
      mkdirSync(target, { recursive: true });
      for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
        copyFileSync(join(source, file), join(target, file));
      }
    },
  };
}

// src/app/early-requests.ts starts the first page's API requests while the app's code downloads. It is
// bundled on its own (an IIFE sharing no chunk with the app, so nothing else has to load before it runs)
// and placed in index.html before the app, `async` (the CSP allows no inline script).
function earlyRequests(): Plugin {
  const source = "src/app/early-requests.ts";
  const name = "early-requests.js";
  let command: "build" | "serve" = "serve";
  // Right after the <title>: before the app's own script, after <meta charset>.
  const inject = (html: string, src: string, type: string) => {
    if (!html.includes("</title>")) throw new Error("index.html has no <title> to put the early requests after");
    return html.replace("</title>", `</title>\n    <script${type} async src="${src}"></script>`);
  };
  return {
    name: "peyvand-early-requests",
    configResolved(config) {
      command = config.command;
    },
    async buildStart() {
      if (command !== "build") return;
      const built = await build({
        configFile: false,
        logLevel: "warn",
        build: {
          write: false,
          minify: true,
          lib: { entry: fileURLToPath(new URL(source, import.meta.url)), formats: ["iife"], name: "peyvandEarly" },
        },
      });
      const result = Array.isArray(built) ? built[0] : built;
      const chunk = result && "output" in result ? result.output.find((file) => file.type === "chunk") : undefined;
      if (!chunk) throw new Error(`${source} was not built`);
      this.emitFile({ type: "asset", name, source: chunk.code });
    },
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        // In development Vite serves the module itself.
        if (!ctx.bundle) return inject(html, `/${source}`, ' type="module"');
        const asset = Object.values(ctx.bundle).find((file) => file.type === "asset" && file.names.includes(name));
        if (!asset) throw new Error(`${source} was not built`);
        return inject(html, `/${asset.fileName}`, "");
      },
    },
  };
}

const MANTINE = /node_modules[\\/](@mantine|@floating-ui|@tabler|react-remove-scroll|react-transition-group|react-textarea-autosize)/;

export default defineConfig({
  plugins: [react(), swaggerUi(), earlyRequests()],
  server: {
    proxy: {
      "/api": API,
      "/health": API,
      "/ready": API,
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate files stay cached across releases. Only what
        // the first page imports ($initial) goes into them; the rest of Mantine, used by dialogs, forms and
        // the list's filters (all loaded after the first rows), is a chunk of its own.
        codeSplitting: {
          groups: [
            // First: the groups below would otherwise take React along as their dependency.
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/, priority: 2 },
            { name: "mantine", test: MANTINE, tags: ["$initial"], priority: 1 },
            { name: "mantine-more", test: MANTINE },
            { name: "i18n", test: /node_modules[\\/](i18next|react-i18next)[\\/]/ },
            // Only the forms' date input needs these: a chunk of its own, loaded with the first form.
            { name: "date-picker", test: /node_modules[\\/](react-multi-date-picker|react-date-object|react-element-popper)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    // Pure helpers run in node; files that need a DOM say so with a `@vitest-environment jsdom` comment.
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
