// Code the first page does not need to show itself (the header's search suggestions, the user's menu,
// the toasts' container) is loaded once the browser has nothing else to do: on a cold start every
// kilobyte of script parsed and every component drawn before the list's rows delays them.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

// At the latest: a page that never goes idle still gets it.
const TIMEOUT_MS = 1500;

/** Run `task` once the browser is idle (Safari has no requestIdleCallback: a task later). */
export function whenIdle(task: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(task, { timeout: TIMEOUT_MS });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(task, 1);
  return () => window.clearTimeout(id);
}

const loaded = new Map<() => Promise<unknown>, unknown>();

/** The module `load` imports, loaded when no request is under way and then the browser is idle; null
 * until then. Once loaded it is there at once for every later mount. `load` must be one function for
 * the module (module scope). */
export function useIdleImport<T>(load: () => Promise<T>): T | null {
  const queryClient = useQueryClient();
  const [module, setModule] = useState<T | null>(() => (loaded.get(load) as T | undefined) ?? null);
  useEffect(() => {
    if (module !== null) return undefined;
    let live = true;
    let cancel = () => {};
    const start = () => {
      cancel = whenIdle(() => {
        load().then(
          (value) => {
            loaded.set(load, value);
            if (live) setModule(() => value);
          },
          // Not loaded (offline, or a new release replaced the file): the page keeps its plain version.
          () => undefined,
        );
      });
    };
    // While the first page waits for its data the main thread is idle, but the server and the network
    // are not: the page's own requests and their drawing go first.
    let unsubscribe = () => {};
    if (queryClient.isFetching() === 0) start();
    else {
      unsubscribe = queryClient.getQueryCache().subscribe(() => {
        if (queryClient.isFetching() > 0) return;
        unsubscribe();
        start();
      });
    }
    return () => {
      live = false;
      unsubscribe();
      cancel();
    };
  }, [load, module, queryClient]);
  return module;
}
