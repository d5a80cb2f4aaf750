// An import's progress as the wizard shows it, from the API's counters.
import type { components } from "../../api/schema";

export type ImportRead = components["schemas"]["ImportRead"];
export type ImportStatus = ImportRead["status"];

/** Statuses after which nothing changes any more: polling stops. */
export const FINAL_STATUSES: readonly ImportStatus[] = ["completed", "failed", "cancelled"];

export function isFinal(status: ImportStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Whole percent of rows processed: 0 until the worker has counted the file, 100 once completed. */
export function progressPercent(job: Pick<ImportRead, "status" | "total_rows" | "processed_rows">): number {
  if (job.status === "completed") return 100;
  const total = job.total_rows;
  if (!total || total <= 0) return 0;
  const pct = Math.floor((Math.min(job.processed_rows, total) / total) * 100);
  return Math.max(0, Math.min(100, pct));
}

/** How often to ask for the import while it runs (ms), or false once it is over. */
export function pollInterval(job: Pick<ImportRead, "status"> | undefined): number | false {
  if (!job) return 1000;
  return isFinal(job.status) ? false : 1000;
}

