// Actions on the customer page's "More" menu that other customer screens provide: duplicates and
// merging (/customers/:id/duplicates) and, for holders of customers:erase, privacy requests
// (/customers/:id/privacy). They open pages, since the menu closes (and unmounts) when clicked.
import { Menu } from "@mantine/core";
import { IconGitMerge, IconShieldLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useCan } from "../../api/me";
import type { CustomerRead } from "../../api/types";

export interface CustomerActionProps {
  customer: CustomerRead;
  /** The ETag of the customer as shown, for If-Match. */
  etag: string | null;
}

export function CustomerExtraActions({ customer }: CustomerActionProps) {
  const { t } = useTranslation();
  const canErase = useCan("customers:erase");
  return (
    <>
      <Menu.Item component={Link} to={`/customers/${customer.id}/duplicates`} leftSection={<IconGitMerge size={16} />}>
        {t("customers.actions.merge")}
      </Menu.Item>
      {canErase ? (
        <Menu.Item component={Link} to={`/customers/${customer.id}/privacy`} leftSection={<IconShieldLock size={16} />}>
          {t("customers.actions.privacy")}
        </Menu.Item>
      ) : null}
    </>
  );
}
