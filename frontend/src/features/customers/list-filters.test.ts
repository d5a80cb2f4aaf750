import { describe, expect, it } from "vitest";

import { filtersFromParams, isFiltered, paramsFromFilters } from "./list-filters";

describe("customer list filters in the URL", () => {
  it("reads repeated parameters as OR lists and drops unknown values", () => {
    const filters = filtersFromParams(
      new URLSearchParams("q=%D8%B9%D9%84%DB%8C&stage=client&stage=repeat&stage=bogus&importance_tier=A&kind=person&sort=x"),
    );
    expect(filters).toEqual({ q: "علی", stage: ["client", "repeat"], importance_tier: ["A"], kind: "person" });
  });

  it("writes what it reads", () => {
    const filters = { q: "sara", stage: ["prospect" as const], tag: ["vip", "b2b"], owner_id: ["u1"], sort: "display_name" };
    expect(filtersFromParams(paramsFromFilters(filters))).toEqual(filters);
    expect(paramsFromFilters(filters).toString()).toBe("q=sara&stage=prospect&owner_id=u1&tag=vip&tag=b2b&sort=display_name");
  });

  it("does not count the sort order as a filter", () => {
    expect(isFiltered({ sort: "display_name" })).toBe(false);
    expect(isFiltered({ tag: ["vip"] })).toBe(true);
  });
});
