import { AppShell, Badge, Burger, Group, NavLink, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure, useDocumentTitle } from "@mantine/hooks";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";

import { LanguageToggle } from "../features/auth/language-toggle";
import { UserMenu } from "../features/auth/user-menu";
import { CustomerSearch } from "../features/customers/customer-search";
import { BRAND_ICON, NAV_ITEMS } from "./navigation";

/** The frame of every page after login: header with search and the user's menu, the navigation
 * (a drawer behind the burger on phones) and the page. */
export function Shell() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const Brand = BRAND_ICON;

  // Following a link on a phone closes the drawer.
  useEffect(close, [location.pathname, close]);

  const section = NAV_ITEMS.find((item) => location.pathname === item.to || location.pathname.startsWith(`${item.to}/`));
  const pageName = section ? t(`nav.${section.key}`) : location.pathname === "/settings" ? t("settings.title") : "";
  useDocumentTitle(pageName ? `${pageName} · ${t("app.name")}` : t("app.name"));

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <a href="#main" className="skip-link">
          {t("nav.skip")}
        </a>
        <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.toggle")} />
            <UnstyledButton component={Link} to="/" aria-label={t("nav.home")}>
              <Group gap={6} wrap="nowrap">
                <Brand size={24} color="var(--mantine-color-indigo-6)" aria-hidden />
                <Text fw={700} visibleFrom="xs">
                  {t("app.name")}
                </Text>
              </Group>
            </UnstyledButton>
          </Group>
          <CustomerSearch />
          <Group gap="xs" wrap="nowrap">
            <LanguageToggle />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label={t("nav.main")} component="nav">
        <div className="nav-scroll">
          {NAV_ITEMS.map((item) => {
            const Icon = item.icon;
            const inSection = location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
            if (!item.ready) {
              return (
                <NavLink
                  key={item.key}
                  label={t(`nav.${item.key}`)}
                  leftSection={<Icon size={18} aria-hidden />}
                  rightSection={
                    <Badge size="xs" variant="light" color="gray">
                      {t("nav.soon")}
                    </Badge>
                  }
                  disabled
                  aria-disabled
                />
              );
            }
            return (
              <NavLink
                key={item.key}
                component={Link}
                to={item.to}
                label={t(`nav.${item.key}`)}
                leftSection={<Icon size={18} aria-hidden />}
                active={inSection}
                opened={inSection}
                childrenOffset={28}
              >
                {/* Only inside the section: given children, Mantine's NavLink opens them instead of following
                    its link, so from elsewhere (say /settings) the item would not navigate. */}
                {inSection
                  ? item.children?.map((child) => (
                      <NavLink
                        key={child.key}
                        component={Link}
                        to={child.to}
                        label={t(`nav.${child.key}`)}
                        active={location.pathname === child.to}
                        aria-current={location.pathname === child.to ? "page" : undefined}
                      />
                    ))
                  : null}
              </NavLink>
            );
          })}
        </div>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
