import { describe, expect, it } from "vitest";

import { ApiError, existingCustomers, fieldErrors, fieldPath, parseProblem, problemKind, unplacedErrors } from "./problem";

describe("parseProblem", () => {
  it("reads a validation problem with its field errors", () => {
    const problem = parseProblem(422, {
      type: "https://peyvand.dev/problems/validation-error",
      title: "Invalid request",
      status: 422,
      detail: "not a valid phone number: 'abc'",
      errors: [
        { loc: ["body", "phones", 0, "number"], msg: "not a valid phone number: 'abc'", type: "value_error" },
        { loc: ["body", "emails", 1, "email"], msg: "value is not a valid email address", type: "value_error" },
        "junk",
      ],
    });
    expect(problemKind(problem)).toBe("validation-error");
    expect(fieldErrors(problem)).toEqual({
      "phones.0.number": "not a valid phone number: 'abc'",
      "emails.1.email": "value is not a valid email address",
    });
  });

  it("keeps the existing customers a duplicate names", () => {
    const problem = parseProblem(409, {
      type: "https://peyvand.dev/problems/duplicate-customer",
      title: "Likely duplicate customer",
      status: 409,
      detail: "A customer with this e-mail or phone already exists.",
      existing_ids: ["0190a0b0-0000-7000-8000-000000000001"],
    });
    expect(problem?.existing_ids).toEqual(["0190a0b0-0000-7000-8000-000000000001"]);
    expect(new ApiError(409, problem).kind).toBe("duplicate-customer");
  });

  it("names the customers a duplicate-customer problem points to, without asking for them", () => {
    const id = "0190a0b0-0000-7000-8000-000000000001";
    const problem = parseProblem(409, {
      type: "https://peyvand.dev/problems/duplicate-customer",
      title: "Likely duplicate customer",
      status: 409,
      existing_ids: [id],
      existing: [{ id, display_name: "سارا احمدی" }, { id: 7 }],
    });
    expect(existingCustomers(problem)).toEqual([{ id, display_name: "سارا احمدی" }]);
    // An older server sent ids only.
    expect(existingCustomers(parseProblem(409, { existing_ids: [id] }))).toEqual([{ id, display_name: "" }]);
  });

  it("is null for bodies that are no problem", () => {
    expect(parseProblem(502, "<html>Bad gateway</html>")).toBeNull();
    expect(parseProblem(500, undefined)).toBeNull();
    expect(problemKind(null)).toBe("");
  });

  it("takes the HTTP status when the body has none", () => {
    expect(parseProblem(404, { title: "Not found" })?.status).toBe(404);
  });
});

describe("field paths", () => {
  it("drops where the value came from", () => {
    expect(fieldPath(["body", "display_name"])).toBe("display_name");
    expect(fieldPath(["query", "limit"])).toBe("limit");
    expect(fieldPath(["custom_fields", "shoe_size"])).toBe("custom_fields.shoe_size");
  });

  it("joins several messages of one field", () => {
    const problem = parseProblem(422, {
      status: 422,
      errors: [
        { loc: ["body", "reason"], msg: "first" },
        { loc: ["body", "reason"], msg: "second" },
      ],
    });
    expect(fieldErrors(problem)).toEqual({ reason: "first; second" });
  });

  it("lists errors no field shows", () => {
    expect(unplacedErrors({ display_name: "required", "utm.source": "too long" }, (p) => p === "display_name")).toEqual([
      "utm.source: too long",
    ]);
  });

  it("names those paths for people, or leaves a path out", () => {
    const label = (path: string) => (path === "utm.source" ? "UTM source" : null);
    expect(unplacedErrors({ "utm.source": "too long", referred_by_id: "no such customer", "": "whole" }, () => false, label)).toEqual([
      "UTM source: too long",
      "no such customer",
      "whole",
    ]);
  });
});

describe("ApiError", () => {
  it("says the detail, then the title, then the status", () => {
    expect(new ApiError(401, parseProblem(401, { title: "Authentication required", detail: "Wrong e-mail or password." })).message).toBe(
      "Wrong e-mail or password.",
    );
    expect(new ApiError(403, parseProblem(403, { title: "Not allowed", detail: null })).message).toBe("Not allowed");
    expect(new ApiError(502, null).message).toBe("HTTP 502");
  });
});
