import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
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

export default defineConfig({
  plugins: [react(), swaggerUi()],
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
        // Libraries change less often than the app: separate files stay cached across releases.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
            { name: "mantine", test: /node_modules[\\/](@mantine|@floating-ui|@tabler)[\\/]/ },
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
