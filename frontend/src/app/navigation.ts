// The app's domains in the navigation. Those not built yet show as "coming" and cannot be opened.
import {
  IconAddressBook,
  IconBuildingStore,
  IconChartBar,
  IconChecklist,
  IconFileInvoice,
  IconFileText,
  IconForms,
  IconPackage,
  IconSpeakerphone,
  IconTargetArrow,
  IconWebhook,
  type Icon,
} from "@tabler/icons-react";

export interface NavItem {
  /** i18n key under nav. */
  key: string;
  to: string;
  icon: Icon;
  ready: boolean;
  /** Pages under this item (shown when it is the current section). */
  children?: { key: string; to: string }[];
}

export const NAV_ITEMS: NavItem[] = [
  {
    key: "customers",
    to: "/customers",
    icon: IconAddressBook,
    ready: true,
    children: [
      { key: "customerList", to: "/customers" },
      { key: "import", to: "/customers/import" },
    ],
  },
  { key: "tasks", to: "/tasks", icon: IconChecklist, ready: false },
  { key: "opportunities", to: "/opportunities", icon: IconTargetArrow, ready: false },
  { key: "products", to: "/products", icon: IconPackage, ready: false },
  { key: "contracts", to: "/contracts", icon: IconFileText, ready: false },
  { key: "invoices", to: "/invoices", icon: IconFileInvoice, ready: false },
  { key: "campaigns", to: "/campaigns", icon: IconSpeakerphone, ready: false },
  { key: "forms", to: "/forms", icon: IconForms, ready: false },
  { key: "webhooks", to: "/webhooks", icon: IconWebhook, ready: false },
  { key: "reports", to: "/reports", icon: IconChartBar, ready: false },
];

export const BRAND_ICON = IconBuildingStore;
