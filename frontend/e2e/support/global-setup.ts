// Starts the real system once for the browser tests: `peyvand run` (API, worker and the built SPA) on a
// free loopback port, against embedded PostgreSQL and Redis in a fresh temporary data folder, or, when
// DATABASE_URL and REDIS_URL are both set, against a database created for this run on that server.
// Each test file makes the teams, users and customers it needs through the API as the first admin
// (no demo data: seeding it would cost more than all the tests). Teardown stops the whole process group
// even when tests failed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { TestProject } from "vitest/node";

import { ADMIN, ARTIFACTS, FRONTEND, REPO } from "./paths";

const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 30_000;

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd, env: env ?? process.env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// A database of its own on the configured server, as tests/conftest.py does for the Python tests.
const DATABASE_SCRIPT = `
import asyncio, sys
import asyncpg, redis
from sqlalchemy.engine import make_url

action, server, name, redis_url = sys.argv[1:5]
plain = make_url(server).set(drivername="postgresql")

async def main():
    conn = await asyncpg.connect(plain.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    if action == "create":
        redis.Redis.from_url(redis_url).flushdb()
    print(plain.set(database=name).render_as_string(hide_password=False))

asyncio.run(main())
`;

function redisTestUrl(url: string): string {
  const db = process.env.PEYVAND_E2E_REDIS_DB ?? "14";
  return url.startsWith("redis") ? url.replace(/\/\d*$/, "").replace(/\/$/, "") + "/" + db : url;
}

async function waitReady(proc: ChildProcess, baseUrl: string, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`peyvand run exited early; its log:\n${readFileSync(logFile, "utf8").slice(-5000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        const body = (await response.json()) as { worker?: { alive?: boolean } };
        if (body.worker?.alive) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`peyvand run was not ready within ${START_TIMEOUT_MS / 1000}s; see ${logFile}`);
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // already gone
  }
}

// A postmaster left behind by a killed run (its pid is in the data folder) is ours to stop.
function stopLeftoverPostgres(dataDir: string): void {
  const pidFile = join(dataDir, "pg", "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, "SIGQUIT");
    } catch {
      // already gone
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(join(ARTIFACTS, "screenshots"), { recursive: true });
  const peyvand = process.env.PEYVAND_BIN ?? join(REPO, ".venv", "bin", "peyvand");
  if (!existsSync(peyvand)) {
    throw new Error(`${peyvand} is missing: run the browser tests with 'make test-browser'`);
  }
  if (!existsSync(join(FRONTEND, "dist", "index.html"))) {
    run("npm", ["run", "build"], FRONTEND);
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "peyvand-e2e-"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const python = join(REPO, ".venv", "bin", "python");
  const external = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  const dbName = `peyvand_e2e_${process.pid}`;
  if (external) {
    const redisUrl = redisTestUrl(process.env.REDIS_URL ?? "");
    env.DATABASE_URL = run(python, ["-c", DATABASE_SCRIPT, "create", process.env.DATABASE_URL ?? "", dbName,
      redisUrl], REPO).trim();
    env.REDIS_URL = redisUrl;
  } else {
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  }
  Object.assign(env, {
    PEYVAND_ENV: "development",
    PEYVAND_HOST: "127.0.0.1",
    PEYVAND_PORT: String(port),
    PEYVAND_DATA_DIR: dataDir,
    PEYVAND_SPA_DIR: join(FRONTEND, "dist"),
    PEYVAND_ADMIN_EMAIL: ADMIN.email,
    PEYVAND_ADMIN_PASSWORD: ADMIN.password,
    PEYVAND_DEMO_DATA: "false",
    PEYVAND_LOGIN_RATE_PER_MINUTE: "1000",
    PEYVAND_LOGIN_MAX_FAILURES: "1000",
    // Cheap Argon2id: the tests log in dozens of times; production refuses these values.
    PEYVAND_PASSWORD_HASH_TIME_COST: "1",
    PEYVAND_PASSWORD_HASH_MEMORY_KIB: "1024",
    PEYVAND_LOG_JSON: "true",
    // Imports commit (and report progress) every 250 rows, so a few thousand rows show it moving.
    PEYVAND_IMPORT_BATCH_SIZE: "250",
  });

  const logFile = join(ARTIFACTS, "server.log");
  const log = openSync(logFile, "w");
  // Its own process group, so teardown reaches the API, the worker and the embedded servers together;
  // started in the data folder so that a developer's .env (say, their own DATABASE_URL) is not read.
  const proc = spawn(peyvand, ["run"], { cwd: dataDir, env, detached: true, stdio: ["ignore", log, log] });
  const started = Date.now();
  // Should the runner die without its teardown, the server still gets its SIGTERM and cleans up.
  const onExit = (): void => signalGroup(proc, "SIGTERM");
  process.once("exit", onExit);

  const teardown = async (): Promise<void> => {
    process.off("exit", onExit);
    signalGroup(proc, "SIGTERM");
    if (!(await waitExit(proc, STOP_TIMEOUT_MS))) {
      signalGroup(proc, "SIGKILL");
      await waitExit(proc, 5000);
      stopLeftoverPostgres(dataDir);
    }
    if (external) {
      run(python, ["-c", DATABASE_SCRIPT, "drop", process.env.DATABASE_URL ?? "", dbName, ""], REPO);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitReady(proc, baseUrl, logFile);
  } catch (error) {
    await teardown();
    throw error;
  }
  console.log(`peyvand run ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  project.provide("baseUrl", baseUrl);
  return teardown;
}
