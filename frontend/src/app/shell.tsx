import { Burger, Group, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure, useDocumentTitle } from "@mantine/hooks";
import { Fragment, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";

import { LanguageToggle } from "../features/auth/language-toggle";
import { UserMenu } from "../features/auth/user-menu";
import { CustomerSearch } from "../features/customers/customer-search";
import { BRAND_ICON, NAV_ITEMS } from "./navigation";

/** The open section's mark, as Mantine's NavLink draws it. */
function NavChevron() {
  return (
    <svg viewBox="0 0 15 15" fill="none" aria-hidden className="nav-chevron">
      <path
        d="M3.13523 6.15803C3.3241 5.95657 3.64052 5.94637 3.84197 6.13523L7.5 9.56464L11.158 6.13523C11.3595 5.94637 11.6759 5.95657 11.8648 6.15803C12.0536 6.35949 12.0434 6.67591 11.842 6.86477L7.84197 10.6148C7.64964 10.7951 7.35036 10.7951 7.15803 10.6148L3.15803 6.86477C2.95657 6.67591 2.94637 6.35949 3.13523 6.15803Z"
        fill="currentColor"
        fillRule="evenodd"
        clipRule="evenodd"
      />
    </svg>
  );
}

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
    // Laid out in app.css as Mantine's AppShell lays out this one (fixed header, navigation beside the page
    // from sm, a drawer behind the burger below): AppShell brought ~20 kB of script to the first page.
    <div className="shell">
      {/* right-scroll-bar-position: Mantine's dialogs, while they stop the page scrolling, keep this
          fixed header clear of the scrollbar (react-remove-scroll's class for it). */}
      <header className="shell-header right-scroll-bar-position">
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
      </header>

      <nav className="shell-navbar" data-opened={opened || undefined} aria-label={t("nav.main")}>
        <div className="nav-scroll">
          {NAV_ITEMS.map((item) => {
            const Icon = item.icon;
            const icon = (
              <span className="nav-item-section" data-position="left">
                <Icon size={18} aria-hidden />
              </span>
            );
            if (!item.ready) {
              return (
                <a key={item.key} className="nav-item" data-disabled aria-disabled="true">
                  {icon}
                  <div className="nav-item-body">
                    <span className="nav-item-label">{t(`nav.${item.key}`)}</span>
                  </div>
                  <span className="nav-item-section" data-position="right">
                    <span className="nav-soon">{t("nav.soon")}</span>
                  </span>
                </a>
              );
            }
            const inSection = location.pathname === item.to || location.pathname.startsWith(`${item.to}/`);
            // Inside its section an item shows the section's pages below it.
            const children = inSection ? item.children : undefined;
            return (
              <Fragment key={item.key}>
                <Link to={item.to} className="mantine-focus-auto nav-item" data-active={inSection || undefined}>
                  {icon}
                  <div className="nav-item-body">
                    <span className="nav-item-label">{t(`nav.${item.key}`)}</span>
                  </div>
                  {children ? (
                    <span className="nav-item-section" data-position="right">
                      <NavChevron />
                    </span>
                  ) : null}
                </Link>
                {children ? (
                  <div className="nav-item-children">
                    {children.map((child) => (
                      <Link
                        key={child.key}
                        to={child.to}
                        className="mantine-focus-auto nav-item"
                        data-active={location.pathname === child.to || undefined}
                        aria-current={location.pathname === child.to ? "page" : undefined}
                      >
                        <div className="nav-item-body">
                          <span className="nav-item-label">{t(`nav.${child.key}`)}</span>
                        </div>
                      </Link>
                    ))}
                  </div>
                ) : null}
              </Fragment>
            );
          })}
        </div>
      </nav>

      <main className="shell-main" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
