// @vitest-environment jsdom
import { MantineProvider } from "@mantine/core";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { initI18n } from "../lib/i18n";
import { setPreferences } from "../lib/preferences";
import { DateInput } from "./date-input";

beforeAll(() => {
  // jsdom has no matchMedia; Mantine asks it for the colour scheme.
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null, addEventListener: () => undefined,
    removeEventListener: () => undefined, addListener: () => undefined, removeListener: () => undefined,
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
  initI18n();
});

afterEach(cleanup);

function renderInput(value: string | null, onChange = vi.fn()) {
  render(
    <MantineProvider>
      <DateInput label="Birthday" value={value} onChange={onChange} />
    </MantineProvider>,
  );
  return { input: screen.getByLabelText("Birthday") as HTMLInputElement, onChange };
}

describe("DateInput", () => {
  it("shows the ISO date in the viewer's calendar and digits", () => {
    setPreferences({ language: "fa", calendar: "jalali" });
    const { input } = renderInput("2026-11-22");
    expect(input.value).toBe("۱۴۰۵/۰۹/۰۱");
  });

  it("reads a typed Hijri date in Arabic-Indic digits back as ISO", () => {
    setPreferences({ language: "en", calendar: "hijri" });
    const { input, onChange } = renderInput(null);
    fireEvent.change(input, { target: { value: "١٤٤٨/٠٦/١١" } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenCalledWith("2026-11-22");
  });

  it("says when the typed text is no date", () => {
    setPreferences({ language: "en", calendar: "gregorian" });
    const { input, onChange } = renderInput(null);
    fireEvent.change(input, { target: { value: "2026/02/30" } });
    fireEvent.blur(input);
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText("Not a date of this calendar (year/month/day)")).toBeTruthy();
  });
});
