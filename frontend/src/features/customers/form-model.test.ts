import { describe, expect, it } from "vitest";

import type { CustomerRead, CustomFieldRead } from "../../api/types";
import { createBody, emptyValues, isFormPath, updateBody, valuesFromCustomer } from "./form-model";

function field(key: string, type: CustomFieldRead["type"], extra: Partial<CustomFieldRead> = {}): CustomFieldRead {
  return {
    id: key, key, label: key, label_fa: null, type, choices: [], required: false, position: 0, is_active: true,
    created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", version: 1, ...extra,
  };
}

const FIELDS = [field("shoe_size", "number"), field("vip_since", "date"), field("newsletter", "boolean")];

function customer(overrides: Partial<CustomerRead> = {}): CustomerRead {
  return {
    id: "c1", kind: "person", display_name: "Sara Ahmadi", organization_name: null, primary_email: "sara@example.com",
    primary_phone: "+989123456789", stage: "prospect", importance_tier: "B", tags: ["vip"], owner_id: "u1", team_id: null,
    source_channel: "webform", lifetime_revenue: "0", is_key: false, created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z", first_name: "Sara", last_name: "Ahmadi", job_title: null, birthday: "1990-05-06",
    language: "fa", preferred_channel: "sms", custom_fields: { shoe_size: 38, newsletter: true }, source_ref: null, utm: {},
    referrer_id: null, consent: { email: { granted: true, source: "webform", note: null, at: "2026-01-01T00:00:00Z" } },
    preferences: ["no sauce"], desired_outcome: null, target_value: null, target_currency: null, strategy_override: null,
    lapsed_from: null, stage_changed_at: "2026-01-01T00:00:00Z", purchase_count: 0, first_purchase_at: null,
    last_purchase_at: null, rfm_recency: null, rfm_frequency: null, rfm_monetary: null, key_reasons: [],
    emails: [{ email: "sara@example.com", label: null, is_primary: true }],
    phones: [{ e164: "+989123456789", raw: "0912 345 6789", label: "mobile", is_primary: true }],
    addresses: [], version: 3, ...overrides,
  };
}

describe("the create body", () => {
  it("sends only what was filled in", () => {
    const values = { ...emptyValues(), first_name: " Sara ", last_name: "Ahmadi" };
    values.emails = [{ email: "sara@example.com", label: "", is_primary: true }];
    expect(createBody(values, FIELDS)).toEqual({
      kind: "person",
      stage: "suspect",
      first_name: "Sara",
      last_name: "Ahmadi",
      emails: [{ email: "sara@example.com", label: null, is_primary: true }],
    });
  });

  it("reads typed numbers in Persian digits and records consent with its source", () => {
    const values = { ...emptyValues("organization"), organization_name: "Acme", target_value: "۱٬۲۵۰٫۵", target_currency: "irr" };
    values.consent = { ...values.consent, sms: "granted" };
    values.consent_source = "phone call";
    values.custom_fields = { shoe_size: "۴۲", newsletter: false };
    expect(createBody(values, FIELDS)).toMatchObject({
      kind: "organization",
      organization_name: "Acme",
      target_value: "1250.5",
      target_currency: "IRR",
      consent: { sms: { granted: true, source: "phone call" } },
      custom_fields: { shoe_size: 42, newsletter: false },
    });
  });
});

describe("the update body", () => {
  it("is empty when nothing changed", () => {
    const initial = valuesFromCustomer(customer(), FIELDS);
    expect(updateBody(initial, initial, FIELDS)).toEqual({});
  });

  it("sends the changed fields, whole lists, and only changed consent and custom fields", () => {
    const initial = valuesFromCustomer(customer(), FIELDS);
    const values = {
      ...initial,
      last_name: "Ahmadi-Rad",
      phones: [...initial.phones, { number: "۰۲۱۸۸۸۸۱۲۳۴", label: "", is_primary: false }],
      consent: { ...initial.consent, email: "granted" as const, post: "withdrawn" as const },
      custom_fields: { ...initial.custom_fields, shoe_size: "39", vip_since: null },
    };
    expect(updateBody(values, initial, FIELDS)).toEqual({
      last_name: "Ahmadi-Rad",
      phones: [
        { number: "0912 345 6789", label: "mobile", is_primary: true },
        { number: "۰۲۱۸۸۸۸۱۲۳۴", label: null, is_primary: false },
      ],
      consent: { post: { granted: false, source: "crm" } },
      custom_fields: { shoe_size: 39 },
    });
  });

  it("clears a custom field with null", () => {
    const initial = valuesFromCustomer(customer(), FIELDS);
    const values = { ...initial, custom_fields: { ...initial.custom_fields, shoe_size: "" } };
    expect(updateBody(values, initial, FIELDS)).toEqual({ custom_fields: { shoe_size: null } });
  });
});

describe("addresses", () => {
  const SHOP = {
    label: "shop", line1: "No. 12, Valiasr St", line2: null, city: "Tehran", region: null, postal_code: "1511734311",
    country: "IR", is_primary: true,
  };

  it("are sent on create without empty rows, country in capitals, postal code in Latin digits", () => {
    const values = { ...emptyValues(), first_name: "Sara" };
    values.addresses = [
      { label: " home ", line1: " Pasdaran 5 ", line2: "", city: "Tehran", region: "", postal_code: "۱۶۶۶۶۱۳۱۱۱", country: "ir", is_primary: true },
      { label: "", line1: "", line2: "", city: "", region: "", postal_code: "", country: "", is_primary: false },
    ];
    expect(createBody(values, FIELDS).addresses).toEqual([
      { label: "home", line1: "Pasdaran 5", line2: null, city: "Tehran", region: null, postal_code: "1666613111", country: "IR", is_primary: true },
    ]);
  });

  it("send a started row without its first line, so the API can say what is missing", () => {
    const values = { ...emptyValues(), first_name: "Sara" };
    values.addresses = [{ label: "", line1: "", line2: "", city: "Shiraz", region: "", postal_code: "", country: "", is_primary: true }];
    expect(createBody(values, FIELDS).addresses).toEqual([
      { label: null, line1: "", line2: null, city: "Shiraz", region: null, postal_code: null, country: null, is_primary: true },
    ]);
  });

  it("are left out of an update that did not touch them, and replaced whole when one changed", () => {
    const initial = valuesFromCustomer(customer({ addresses: [SHOP] }), FIELDS);
    expect(initial.addresses).toEqual([{ ...SHOP, line2: "", region: "" }]);
    expect(updateBody(initial, initial, FIELDS)).toEqual({});
    const values = {
      ...initial,
      addresses: [{ ...initial.addresses[0]!, is_primary: false }, { ...initial.addresses[0]!, line1: "Enghelab 3", is_primary: true }],
    };
    expect(updateBody(values, initial, FIELDS)).toEqual({
      addresses: [{ ...SHOP, is_primary: false }, { ...SHOP, line1: "Enghelab 3", is_primary: true }],
    });
  });

  it("are all removed with an empty list", () => {
    const initial = valuesFromCustomer(customer({ addresses: [SHOP] }), FIELDS);
    expect(updateBody({ ...initial, addresses: [] }, initial, FIELDS)).toEqual({ addresses: [] });
  });
});

describe("form paths", () => {
  it("knows which API errors sit beside a field", () => {
    expect(isFormPath("phones.0.number")).toBe(true);
    expect(isFormPath("addresses.1.line1")).toBe(true);
    expect(isFormPath("addresses.0.country")).toBe(true);
    expect(isFormPath("addresses.0.street")).toBe(false);
    expect(isFormPath("custom_fields.shoe_size")).toBe(true);
    expect(isFormPath("display_name")).toBe(true);
    expect(isFormPath("utm.source")).toBe(false);
  });
});
