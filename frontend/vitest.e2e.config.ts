import { defineConfig } from "vitest/config";

// Browser tests (make test-browser): one `peyvand run` on a fresh database for the whole run, one
// Chromium per file, files one after another so they never fight over the machine's two cores.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["e2e/support/global-setup.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
  },
});
