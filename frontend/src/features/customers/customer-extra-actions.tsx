// SLOT: actions on the customer page's "More" menu that other customer screens provide. Merge
// (duplicates, POST /customers/{id}/merge) and privacy (GET /export, POST /erase) plug in here:
// replace the placeholders with menu items that open their dialogs or routes.
import { Menu } from "@mantine/core";
import { IconGitMerge, IconShieldLock } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import type { CustomerRead } from "../../api/types";

export interface CustomerActionProps {
  customer: CustomerRead;
  /** The ETag of the customer as shown, for If-Match. */
  etag: string | null;
}

export function CustomerExtraActions(_props: CustomerActionProps) {
  const { t } = useTranslation();
  return (
    <>
      <Menu.Item leftSection={<IconGitMerge size={16} />} disabled>
        {t("customers.actions.merge")}
      </Menu.Item>
      <Menu.Item leftSection={<IconShieldLock size={16} />} disabled>
        {t("customers.actions.privacy")}
      </Menu.Item>
    </>
  );
}
