import { describe, expect, it } from "vitest";

import type { Colleague } from "../../api/types";
import { ownerOptions } from "./owner-options";

function person(id: string, full_name: string, is_active = true): Colleague {
  return { id, full_name, team_id: null, is_active };
}

const PEOPLE = [person("u1", "علی محمدی"), person("u2", "Sara Ahmadi"), person("u3", "Reza Karimi", false)];

describe("owner choices", () => {
  it("match part of a name, whatever the case or the Arabic ي typed for ی", () => {
    expect(ownerOptions(PEOPLE, "sara", [], "inactive").map((o) => o.value)).toEqual(["u2"]);
    expect(ownerOptions(PEOPLE, "علي", [], "inactive").map((o) => o.value)).toEqual(["u1"]);
  });

  it("stop at a few dozen among thousands, but keep whoever is chosen", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => person(`p${i}`, `Person ${i}`));
    const options = ownerOptions(many, "", ["p9999"], "inactive");
    expect(options).toHaveLength(51);
    expect(options.at(-1)).toEqual({ value: "p9999", label: "Person 9999" });
  });

  it("mark people who left, and can leave them out unless chosen", () => {
    expect(ownerOptions(PEOPLE, "reza", [], "inactive")).toEqual([{ value: "u3", label: "Reza Karimi (inactive)" }]);
    const active = (u: Colleague) => u.is_active;
    expect(ownerOptions(PEOPLE, "", [], "inactive", active).map((o) => o.value)).toEqual(["u1", "u2"]);
    expect(ownerOptions(PEOPLE, "", ["u3"], "inactive", active).map((o) => o.value)).toEqual(["u1", "u2", "u3"]);
  });
});
