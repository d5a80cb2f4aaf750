// The customers feature's pages, mounted under the shell by src/app/router.tsx.
import type { RouteObject } from "react-router";

import { CustomerCreatePage } from "./customer-create-page";
import { CustomerEditPage } from "./customer-edit-page";
import { CustomerPage } from "./customer-page";
import { CustomersPage } from "./customers-page";
import { CustomerImportPage } from "./import-page";
import { CustomerMergePage } from "./merge-page";
import { CustomerPrivacyPage } from "./privacy-page";

export const customerRoutes: RouteObject[] = [
  { path: "customers", element: <CustomersPage /> },
  { path: "customers/new", element: <CustomerCreatePage /> },
  // SLOT: the CSV import wizard replaces CustomerImportPage.
  { path: "customers/import", element: <CustomerImportPage /> },
  { path: "customers/:customerId", element: <CustomerPage /> },
  { path: "customers/:customerId/edit", element: <CustomerEditPage /> },
  { path: "customers/:customerId/duplicates", element: <CustomerMergePage /> },
  { path: "customers/:customerId/privacy", element: <CustomerPrivacyPage /> },
];
