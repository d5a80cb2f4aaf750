// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { CustomFieldRead } from "../../api/types";
import { renderWithApp } from "../../test/render";
import { CustomerForm } from "./customer-form";
import { emptyValues } from "./form-model";

afterEach(cleanup);

const SHOE: CustomFieldRead = {
  id: "f1", key: "shoe_size", label: "Shoe size", label_fa: "سایز کفش", type: "number", choices: [], required: false,
  position: 0, is_active: true, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", version: 1,
};

function renderForm(errors: Record<string, string> = {}, onSubmit = vi.fn()) {
  renderWithApp(
    <CustomerForm
      mode="create"
      initial={emptyValues()}
      customFields={[SHOE]}
      errors={errors}
      submitting={false}
      onSubmit={onSubmit}
      onCancel={() => undefined}
    />,
  );
  return onSubmit;
}

// A large Mantine form is slow to query in jsdom.
describe("the customer form", { timeout: 30_000 }, () => {
  it("shows the API's field errors beside their fields and the rest above the buttons", () => {
    renderForm({
      "phones.0.number": "not a valid phone number: '12'",
      "custom_fields.shoe_size": "expected a number",
      "utm.source": "too long",
    });
    const phone = screen.getByLabelText("Phone 1");
    expect(phone.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("not a valid phone number: '12'")).toBeTruthy();
    expect(screen.getByLabelText("Shoe size").getAttribute("aria-invalid")).toBe("true");
    // Named as the import names the field (the form has no input for it).
    const leftover = screen.getByText("UTM source: too long").closest("[role=alert]");
    expect(leftover).not.toBeNull();
    expect(within(leftover as HTMLElement).queryByText("expected a number")).toBeNull();
  });

  it("submits what was typed, and says when it was the create-anyway button", () => {
    const onSubmit = renderForm();
    fireEvent.change(screen.getByLabelText("First name"), { target: { value: "Sara" } });
    fireEvent.click(screen.getByText("Add an e-mail"));
    fireEvent.change(screen.getByLabelText("E-mail 2"), { target: { value: "s@example.com" } });
    fireEvent.click(screen.getByText("Create customer"));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const [values, force] = onSubmit.mock.calls[0] ?? [];
    expect(values).toMatchObject({ first_name: "Sara", emails: [{ email: "" }, { email: "s@example.com", is_primary: false }] });
    expect(force).toBe(false);
  });

  it("asks for an organization's name instead of a person's", () => {
    renderForm();
    fireEvent.click(screen.getByLabelText("Organization"));
    expect(screen.queryByLabelText("First name")).toBeNull();
    expect(screen.getByLabelText(/Organization name/)).toBeTruthy();
  });
});
