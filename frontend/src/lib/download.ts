// Saving what the API sent as a file. Downloads go through the API client (they need the bearer token),
// so the browser gets the bytes as a Blob and saves them from an object URL.

/** Offer a Blob as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has handed the bytes to the browser; give it a moment before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Today as YYYY-MM-DD (Latin digits), for file names. */
export function fileDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
