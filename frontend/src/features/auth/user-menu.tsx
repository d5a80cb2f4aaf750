import { Avatar, Menu, UnstyledButton, Text, Group } from "@mantine/core";
import { IconChevronDown, IconLogout, IconSettings } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useLogout, useMe } from "./queries";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0])
    .join("")
    .toUpperCase();
}

export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const logout = useLogout();
  const name = me.data?.full_name ?? "";
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={t("user.menu")}>
          <Group gap={6} wrap="nowrap">
            <Avatar size="sm" radius="xl" color="indigo">
              {initials(name) || "?"}
            </Avatar>
            <Text size="sm" visibleFrom="sm" truncate maw={160}>
              {name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
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
