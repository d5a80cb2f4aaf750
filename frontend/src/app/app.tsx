import "@fontsource/vazirmatn/400.css";
import "@fontsource/vazirmatn/500.css";
import "@fontsource/vazirmatn/700.css";
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app.css";

import { DirectionProvider, MantineProvider, useDirection } from "@mantine/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { I18nextProvider } from "react-i18next";
import { RouterProvider } from "react-router";

import { initI18n } from "../lib/i18n";
import { useIdleImport } from "../lib/idle";
import { directionOf, getPreferences } from "../lib/preferences";
import { usePreferences } from "../lib/use-preferences";
import { createQueryClient } from "./query-client";
import { createRouter } from "./router";
import { theme } from "./theme";

const i18n = initI18n();

// The toasts' container (and its transitions) is not needed to show the first page: it mounts when the
// browser is idle and then shows whatever was notified before (Mantine keeps them in its store).
const loadToasts = () => import("../components/toasts");

/** Here once loaded (a component of its own, so that App does not draw everything again then). */
function IdleToasts() {
  const toasts = useIdleImport(loadToasts);
  return toasts ? <toasts.Toasts /> : null;
}

/** Mantine's direction follows the language (i18n sets <html dir> itself). */
function DirectionSync() {
  const { language } = usePreferences();
  const { setDirection } = useDirection();
  useEffect(() => setDirection(directionOf(language)), [language, setDirection]);
  return null;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createRouter(queryClient));
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={directionOf(getPreferences().language)} detectDirection={false}>
        <MantineProvider theme={theme}>
          <DirectionSync />
          <QueryClientProvider client={queryClient}>
            <IdleToasts />
            <RouterProvider router={router} />
          </QueryClientProvider>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
