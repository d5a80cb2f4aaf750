// Rendering components in jsdom tests: Mantine, i18n (English), a query client with /me answered, a router.
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";

import { meKey } from "../api/me";
import type { Me } from "../api/types";
import { initI18n } from "../lib/i18n";
import { setPreferences } from "../lib/preferences";

let ready = false;

function setup(): void {
  if (ready) return;
  ready = true;
  // jsdom has no matchMedia or ResizeObserver; Mantine asks for both.
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null, addEventListener: () => undefined,
    removeEventListener: () => undefined, addListener: () => undefined, removeListener: () => undefined,
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
  window.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
  initI18n();
}

export const ME: Me = {
  id: "u1", email: "sara@example.com", full_name: "Sara Ahmadi", role: "sales", team_id: null, language: "en",
  calendar: "gregorian", is_active: true, last_login_at: null, created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z", scopes: ["me", "customers:read", "customers:write"], api_key_id: null,
};

/** `path`: the page the router is on (default "/"). */
export function renderWithApp(ui: ReactNode, options: { me?: Me; path?: string } = {}) {
  setup();
  setPreferences({ language: "en", calendar: "gregorian" });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(meKey, options.me ?? ME);
  return render(
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[options.path ?? "/"]}>{ui}</MemoryRouter>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
