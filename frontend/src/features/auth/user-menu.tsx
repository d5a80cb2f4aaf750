import { Avatar, Group, Text, UnstyledButton } from "@mantine/core";
import { IconChevronDown } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

import { useIdleImport } from "../../lib/idle";
import { useMe } from "./queries";

// Nobody opens the menu before the first page is on screen: its code loads when the browser is idle.
const loadDropdown = () => import("./user-menu-dropdown");

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0])
    .join("")
    .toUpperCase();
}

/** Who is logged in, and the menu with their settings and logging out (disabled until it has loaded). */
export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const dropdown = useIdleImport(loadDropdown);
  const name = me.data?.full_name ?? "";
  const button = (disabled: boolean) => (
    <UnstyledButton aria-label={t("user.menu")} disabled={disabled}>
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
  );
  if (!dropdown) return button(true);
  return <dropdown.UserMenuDropdown>{button(false)}</dropdown.UserMenuDropdown>;
}
