// The user's menu itself (Mantine's Menu and the popover under it), loaded after the first page: see
// user-menu.tsx.
import { Menu } from "@mantine/core";
import { IconLogout, IconSettings } from "@tabler/icons-react";
import type { ReactElement } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useLogout, useMe } from "./queries";

/** Opens the menu from `children`, the button showing who is logged in. */
export function UserMenuDropdown({ children }: { children: ReactElement }) {
  const { t } = useTranslation();
  const me = useMe();
  const logout = useLogout();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>{children}</Menu.Target>
      <Menu.Dropdown>
        {me.data ? (
          <Menu.Label>
            <span dir="ltr">{me.data.email}</span>
          </Menu.Label>
        ) : null}
        <Menu.Item component={Link} to="/settings" leftSection={<IconSettings size={16} />}>
          {t("user.settings")}
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => logout.mutate()}>
          {t("user.logout")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
