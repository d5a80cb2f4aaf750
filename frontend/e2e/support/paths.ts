import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO = resolve(FRONTEND, "..");
export const ARTIFACTS = join(FRONTEND, "e2e", "artifacts");

// The first admin of the test system (PEYVAND_ADMIN_EMAIL / PASSWORD at its first start).
export const ADMIN = { email: "admin@e2e.example.com", password: "e2e-admin-password-1" };
