// The customers feature's pages, mounted under the shell by src/app/router.tsx.
import type { RouteObject } from "react-router";

import { CustomersPage } from "./customers-page";
import { CustomerImportPage } from "./import-page";

export const customerRoutes: RouteObject[] = [
  { path: "customers", element: <CustomersPage /> },
  { path: "customers/import", element: <CustomerImportPage /> },
];
