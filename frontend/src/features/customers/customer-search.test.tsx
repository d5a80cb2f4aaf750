// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithApp } from "../../test/render";
import { CustomerSearch } from "./customer-search";

afterEach(cleanup);

describe("the header's search box", () => {
  it("keeps what was typed, and the focus, when its suggestions load", async () => {
    renderWithApp(<CustomerSearch />);
    const plain = screen.getByRole("textbox", { name: "Search customers" }) as HTMLInputElement;
    expect(plain.getAttribute("aria-haspopup")).toBeNull();
    plain.focus();
    fireEvent.change(plain, { target: { value: "sara" } });

    // The suggestions' combobox replaces the plain box once the browser is idle.
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Search customers" }).getAttribute("aria-haspopup")).toBe("listbox"),
    );
    const box = screen.getByRole("textbox", { name: "Search customers" }) as HTMLInputElement;
    expect(box.value).toBe("sara");
    expect(document.activeElement).toBe(box);
    expect(box.selectionStart).toBe(4);
  });
});
