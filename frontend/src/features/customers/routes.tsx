// The customers feature's pages, mounted under the shell by src/app/router.tsx. Only the list is in the
// first download: the other pages (and the date picker their forms use) load when first opened, so the
// list's first request leaves sooner.
import { lazy, type ReactNode, Suspense } from "react";
import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs, RouteObject } from "react-router";

import { PageSkeleton } from "../../components/skeletons";
import { CustomersPage } from "./customers-page";
import { filtersFromParams } from "./list-filters";
import { customerListQuery } from "./queries";

const CustomerCreatePage = lazy(() => import("./customer-create-page").then((m) => ({ default: m.CustomerCreatePage })));
const CustomerEditPage = lazy(() => import("./customer-edit-page").then((m) => ({ default: m.CustomerEditPage })));
const CustomerPage = lazy(() => import("./customer-page").then((m) => ({ default: m.CustomerPage })));
const CustomerImportPage = lazy(() => import("./import-page").then((m) => ({ default: m.CustomerImportPage })));
const CustomerMergePage = lazy(() => import("./merge-page").then((m) => ({ default: m.CustomerMergePage })));
const CustomerPrivacyPage = lazy(() => import("./privacy-page").then((m) => ({ default: m.CustomerPrivacyPage })));

function later(page: ReactNode) {
  return <Suspense fallback={<PageSkeleton />}>{page}</Suspense>;
}

/** The list's first page is asked for as the navigation starts (the router runs loaders before it
 * renders anything), not after the shell and the page have rendered. Nothing waits for it here: the
 * page shows its skeleton and joins the request in flight. */
function prefetchList(queryClient: QueryClient, signedIn: () => boolean) {
  return ({ request }: LoaderFunctionArgs) => {
    if (signedIn()) {
      void queryClient.prefetchInfiniteQuery(customerListQuery(filtersFromParams(new URL(request.url).searchParams)));
    }
    return null;
  };
}

export const customerRoutes = (queryClient: QueryClient, signedIn: () => boolean): RouteObject[] => [
  { path: "customers", element: <CustomersPage />, loader: prefetchList(queryClient, signedIn) },
  { path: "customers/new", element: later(<CustomerCreatePage />) },
  // SLOT: the CSV import wizard replaces CustomerImportPage.
  { path: "customers/import", element: later(<CustomerImportPage />) },
  { path: "customers/:customerId", element: later(<CustomerPage />) },
  { path: "customers/:customerId/edit", element: later(<CustomerEditPage />) },
  { path: "customers/:customerId/duplicates", element: later(<CustomerMergePage />) },
  { path: "customers/:customerId/privacy", element: later(<CustomerPrivacyPage />) },
];
