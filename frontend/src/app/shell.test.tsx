// @vitest-environment jsdom
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithApp } from "../test/render";
import { Shell } from "./shell";

afterEach(cleanup);

function navigation(path: string) {
  renderWithApp(<Shell />, { path });
  return within(screen.getByRole("navigation", { name: "Main navigation" }));
}

describe("the navigation", () => {
  it("shows the open section's pages, the current one marked", () => {
    const nav = navigation("/customers/import");
    expect(nav.getByRole("link", { name: "Customers" }).getAttribute("href")).toBe("/customers");
    expect(nav.getByRole("link", { name: "All customers" }).getAttribute("aria-current")).toBeNull();
    expect(nav.getByRole("link", { name: "Import" }).getAttribute("aria-current")).toBe("page");
  });

  it("shows a section's pages only inside it", () => {
    const nav = navigation("/settings");
    expect(nav.getByRole("link", { name: "Customers" })).toBeTruthy();
    expect(nav.queryByRole("link", { name: "All customers" })).toBeNull();
  });

  it("offers the sections not built yet as coming soon, not as links", () => {
    const nav = navigation("/customers");
    expect(nav.queryByRole("link", { name: /Tasks/ })).toBeNull();
    const tasks = nav.getByText("Tasks").closest("[aria-disabled]");
    expect(tasks?.getAttribute("aria-disabled")).toBe("true");
    expect(within(tasks as HTMLElement).getByText("soon")).toBeTruthy();
  });
});
