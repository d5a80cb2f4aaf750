// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useLocation } from "react-router";

import type { CustomerSummary } from "../../api/types";
import { renderWithApp } from "../../test/render";
import { CustomerTable } from "./customer-table";

afterEach(cleanup);

const SARA: CustomerSummary = {
  id: "c1", display_name: "Sara Ahmadi", kind: "person", organization_name: null, stage: "client",
  importance_tier: "A", is_key: false, primary_email: "sara@example.com", primary_phone: null, owner_id: null,
  tags: [], source_channel: null, lifetime_revenue: "0.00", team_id: null, created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

function Where() {
  return <output>{useLocation().pathname}</output>;
}

function renderTable() {
  renderWithApp(
    <>
      <CustomerTable customers={[SARA]} ownerName={() => ""} />
      <Where />
    </>,
  );
  return screen.getByRole("link", { name: "Sara Ahmadi" });
}

describe("the customer table's rows", () => {
  it("link to the customer's page", () => {
    expect(renderTable().getAttribute("href")).toBe("/customers/c1");
  });

  it("open the customer inside the app on a plain click", () => {
    const link = renderTable();
    const followed = fireEvent.click(link);
    expect(followed).toBe(false); // the browser does not load the page itself
    expect(screen.getByRole("status").textContent).toBe("/customers/c1");
  });

  it("leave a click with a modifier (new tab, new window) to the browser", () => {
    const link = renderTable();
    // After the app's handler: notes whether it kept the browser from following the link, then keeps
    // jsdom (which cannot load pages) from trying.
    const prevented: boolean[] = [];
    const browser = (event: Event) => {
      prevented.push(event.defaultPrevented);
      event.preventDefault();
    };
    document.addEventListener("click", browser);
    fireEvent.click(link, { ctrlKey: true });
    fireEvent.click(link, { shiftKey: true });
    fireEvent.click(link, { button: 1 });
    document.removeEventListener("click", browser);
    expect(prevented).toEqual([false, false, false]);
    expect(screen.getByRole("status").textContent).toBe("/");
  });
});
