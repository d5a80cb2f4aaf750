import { createBrowserRouter, Navigate } from "react-router";

import { ComingSoonPage, NotFoundPage, RouteErrorPage } from "../components/status-pages";
import { LoginPage } from "../features/auth/login-page";
import { RequireAuth } from "../features/auth/require-auth";
import { SettingsPage } from "../features/auth/settings-page";
import { customerRoutes } from "../features/customers/routes";
import { NAV_ITEMS } from "./navigation";
import { Shell } from "./shell";

export function createRouter() {
  return createBrowserRouter([
    { path: "/login", element: <LoginPage />, errorElement: <RouteErrorPage /> },
    {
      path: "/",
      element: (
        <RequireAuth>
          <Shell />
        </RequireAuth>
      ),
      errorElement: <RouteErrorPage />,
      children: [
        { index: true, element: <Navigate to="/customers" replace /> },
        ...customerRoutes,
        { path: "settings", element: <SettingsPage /> },
        ...NAV_ITEMS.filter((item) => !item.ready).map((item) => ({
          path: item.to.slice(1),
          element: <ComingSoonPage name={item.key} />,
        })),
        { path: "*", element: <NotFoundPage /> },
      ],
    },
  ]);
}
