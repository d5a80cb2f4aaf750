import type { QueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate } from "react-router";

import { meQuery } from "../api/me";
import { getToken } from "../api/session";
import { ComingSoonPage, NotFoundPage, RouteErrorPage } from "../components/status-pages";
import { RequireAuth } from "../features/auth/require-auth";
import { PageSkeleton } from "../components/skeletons";
import { customerRoutes } from "../features/customers/routes";
import { NAV_ITEMS } from "./navigation";
import { Shell } from "./shell";

// Not needed to show the customer list: loaded when first opened.
const LoginPage = lazy(() => import("../features/auth/login-page").then((m) => ({ default: m.LoginPage })));
const SettingsPage = lazy(() => import("../features/auth/settings-page").then((m) => ({ default: m.SettingsPage })));

// The loaders below only start requests and return at once: nothing to show meanwhile.
const Starting = () => null;

const signedIn = () => getToken() !== null;

export function createRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    {
      path: "/login",
      element: (
        <Suspense fallback={null}>
          <LoginPage />
        </Suspense>
      ),
      errorElement: <RouteErrorPage />, HydrateFallback: Starting },
    {
      path: "/",
      element: (
        <RequireAuth>
          <Shell />
        </RequireAuth>
      ),
      errorElement: <RouteErrorPage />,
      HydrateFallback: Starting,
      // Who I am goes out with the navigation, beside the page's own first request.
      loader: () => {
        if (signedIn()) void queryClient.prefetchQuery(meQuery);
        return null;
      },
      children: [
        { index: true, element: <Navigate to="/customers" replace /> },
        ...customerRoutes(queryClient, signedIn),
        {
          path: "settings",
          element: (
            <Suspense fallback={<PageSkeleton />}>
              <SettingsPage />
            </Suspense>
          ),
        },
        ...NAV_ITEMS.filter((item) => !item.ready).map((item) => ({
          path: item.to.slice(1),
          element: <ComingSoonPage name={item.key} />,
        })),
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ]);
}
