import { defineConfig } from "vitest/config";

// In development the API runs on :8000 (`make dev`); the browser only ever talks to Vite's origin,
// so the same-origin CSP the API sends holds in development too.
const API = "http://127.0.0.1:8000";

export default defineConfig({
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
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
