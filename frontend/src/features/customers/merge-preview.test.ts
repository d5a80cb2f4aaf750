import { describe, expect, it } from "vitest";

import type { CustomerRead } from "../../api/types";
import { mergePreview, movesAnything } from "./merge-preview";
import { confirmsName } from "./name-match";

function customer(overrides: Partial<CustomerRead> = {}): CustomerRead {
  return {
    id: "c1", kind: "person", display_name: "Sara Ahmadi", organization_name: null, primary_email: null,
    primary_phone: null, stage: "prospect", importance_tier: null, tags: [], owner_id: null, team_id: null,
    source_channel: null, lifetime_revenue: "0.00", is_key: false, created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z", first_name: "Sara", last_name: "Ahmadi", job_title: null, birthday: null,
    language: null, preferred_channel: null, custom_fields: {}, source_ref: null, utm: {}, referrer_id: null,
    consent: {}, preferences: [], desired_outcome: null, target_value: null, target_currency: null,
    strategy_override: null, lapsed_from: null, stage_changed_at: "2026-01-01T00:00:00Z", purchase_count: 0,
    first_purchase_at: null, last_purchase_at: null, rfm_recency: null, rfm_frequency: null, rfm_monetary: null,
    key_reasons: [], emails: [], phones: [], addresses: [], version: 1, ...overrides,
  };
}

describe("what a merge moves", () => {
  const survivor = customer({
    emails: [{ email: "sara@example.com", label: null, is_primary: true }],
    tags: ["vip"],
    preferences: ["no sauce"],
    job_title: "Buyer",
    custom_fields: { size: 38 },
  });
  const duplicate = customer({
    id: "c2",
    stage: "repeat",
    emails: [
      { email: "SARA@example.com", label: null, is_primary: true },
      { email: "s.ahmadi@work.example", label: "work", is_primary: false },
    ],
    phones: [{ e164: "+989121234567", raw: "0912 123 4567", label: null, is_primary: true }],
    tags: ["vip", "tehran"],
    preferences: ["No  sauce", "calls after 4pm"],
    job_title: "Manager",
    birthday: "1990-05-06",
    custom_fields: { size: 39, colour: "blue" },
    lifetime_revenue: "1250000.00",
    purchase_count: 2,
  });

  it("lists what the survivor lacks and keeps what it has", () => {
    const p = mergePreview(survivor, duplicate);
    expect(p.emails).toEqual(["s.ahmadi@work.example"]);
    expect(p.phones).toEqual(["+989121234567"]);
    expect(p.tags).toEqual(["tehran"]);
    expect(p.preferences).toEqual(["calls after 4pm"]);
    expect(p.fields).toEqual(["birthday"]);
    expect(p.customFields).toEqual(["colour"]);
    expect(p.climbsTo).toBe("repeat");
    expect(p.purchasesAdded).toBe(2);
    expect(p.kindsDiffer).toBe(false);
    expect(movesAnything(p)).toBe(true);
  });

  it("does not climb down or off the main ladder, and refuses mixed kinds", () => {
    expect(mergePreview(customer({ stage: "client" }), customer({ stage: "repeat" })).climbsTo).toBeNull();
    expect(mergePreview(customer({ stage: "disqualified" }), customer({ stage: "repeat" })).climbsTo).toBeNull();
    expect(mergePreview(customer(), customer({ kind: "organization" })).kindsDiffer).toBe(true);
    expect(movesAnything(mergePreview(customer(), customer()))).toBe(false);
  });
});

describe("the erasure's typed confirmation", () => {
  it("takes the name however it is typed", () => {
    expect(confirmsName(" sara  ahmadi ", "Sara Ahmadi")).toBe(true);
    expect(confirmsName("علي رضايي", "علی رضایی")).toBe(true);
    expect(confirmsName("شرکت ۲۴", "شرکت 24")).toBe(true);
    expect(confirmsName("نیلوفر‌ها", "نیلوفر ها")).toBe(true);
  });

  it("refuses another name or nothing", () => {
    expect(confirmsName("Sara", "Sara Ahmadi")).toBe(false);
    expect(confirmsName("", "")).toBe(false);
  });
});
