// The access token and what happens when it stops working. sessionStorage: the token lives as long as
// the tab and is gone when the browser closes it. Components follow it with useSyncExternalStore.

const TOKEN_KEY = "peyvand.access_token";

export type SessionEnd = "logout" | "expired";

let listeners: (() => void)[] = [];
let lastEnd: SessionEnd | null = null;

function notify(): void {
  for (const listener of listeners) listener();
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser: the session lasts until reload
  }
}

let memoryToken: string | null = storage()?.getItem(TOKEN_KEY) ?? null;

export function getToken(): string | null {
  return memoryToken;
}

export function startSession(token: string): void {
  memoryToken = token;
  lastEnd = null;
  storage()?.setItem(TOKEN_KEY, token);
  notify();
}

/** Forget the token; `expired` when the server refused it (the login page then says so). */
export function endSession(reason: SessionEnd): void {
  if (memoryToken === null && lastEnd !== null) return;
  memoryToken = null;
  lastEnd = reason;
  storage()?.removeItem(TOKEN_KEY);
  notify();
}

/** Why the last session ended, or null when none ended in this tab. */
export function sessionEnd(): SessionEnd | null {
  return lastEnd;
}

export function subscribe(listener: () => void): () => void {
  listeners = [...listeners, listener];
  return () => {
    listeners = listeners.filter((l) => l !== listener);
  };
}
