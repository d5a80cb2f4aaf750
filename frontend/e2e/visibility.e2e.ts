// A sales rep sees their own customers and nothing of another team's: not in the list, not by search,
// not by typing the customer's address (the app shows "not found", as the API answers 404).
import { beforeAll, describe, expect, it } from "vitest";

import { Api, unique } from "./support/api";
import { useBrowser } from "./support/browser";
import { t } from "./support/i18n";
import { ADMIN } from "./support/paths";
import { login } from "./support/ui";

const b = useBrowser();
const PASSWORD = "e2e-visibility-pw-1";

interface Created {
  id: string;
  display_name: string;
}

let sara: string;
let token: string;
let saras: Created;
let johns: Created;

beforeAll(async () => {
  // Two sales teams with a rep each: Sara in Tehran, John in Shiraz.
  const admin = await Api.login(ADMIN.email, ADMIN.password);
  const run = unique("");
  const [tehran, shiraz] = await Promise.all([
    admin.post<{ id: string }>("/teams", { name: `Sales Tehran ${run}` }),
    admin.post<{ id: string }>("/teams", { name: `Sales Shiraz ${run}` }),
  ]);
  sara = `sara.${run}@e2e.example.com`;
  const [saraUser, johnUser] = await Promise.all([
    admin.post<{ id: string }>("/users", {
      email: sara, full_name: "Sara Ahmadi", password: PASSWORD, role: "sales", team_id: tehran.id,
    }),
    admin.post<{ id: string }>("/users", {
      email: `john.${run}@e2e.example.com`, full_name: "John Miller", password: PASSWORD, role: "sales",
      team_id: shiraz.id,
    }),
  ]);
  // A word no other customer has, shared by both customers: one search finds both if scope leaks.
  token = unique("Visibility");
  saras = await admin.post<Created>("/customers", { first_name: "Tehran", last_name: token, owner_id: saraUser.id });
  johns = await admin.post<Created>("/customers", { first_name: "Shiraz", last_name: token, owner_id: johnUser.id });
});

describe("another team's customer", () => {
  it("is neither listed nor found by search, while the rep's own customer is", async () => {
    const page = b.page;
    await login(page, sara, PASSWORD);

    await page.getByRole("searchbox", { name: t("en", "search.label") })
      .or(page.getByRole("textbox", { name: t("en", "search.label") }))
      .fill(token);
    const suggestions = page.getByRole("listbox", { name: t("en", "search.results") });
    await suggestions.getByText(saras.display_name).waitFor();
    expect(await suggestions.getByText(johns.display_name).count()).toBe(0);

    await page.goto(`/customers?q=${encodeURIComponent(token)}`);
    const table = page.getByRole("table", { name: t("en", "customers.list.table") });
    await table.getByRole("link", { name: saras.display_name }).waitFor();
    expect(await table.getByRole("link", { name: johns.display_name }).count()).toBe(0);
    expect(await table.getByRole("row").count()).toBe(2); // the header and Sara's customer
  });

  it("shows not found at its address", async () => {
    const page = b.page;
    await login(page, sara, PASSWORD);
    await page.goto(`/customers/${johns.id}`);
    await page.getByRole("heading", { name: t("en", "common.notFound") }).waitFor();
    expect(await page.getByText(johns.display_name).count()).toBe(0);

    // Her own customer's page, reached the same way, does open.
    await page.goto(`/customers/${saras.id}`);
    await page.getByRole("heading", { name: saras.display_name }).waitFor();
  });
});
