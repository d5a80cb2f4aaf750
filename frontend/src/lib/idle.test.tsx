// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { useIdleImport } from "./idle";

afterEach(cleanup);

function Probe({ load }: { load: () => Promise<{ word: string }> }) {
  const module = useIdleImport(load);
  return <p>{module ? module.word : "plain"}</p>;
}

describe("useIdleImport", () => {
  it("shows the plain version first and the loaded module once the browser is idle", async () => {
    const load = vi.fn(() => Promise.resolve({ word: "loaded" }));
    render(<Probe load={load} />);
    expect(screen.getByText("plain")).toBeTruthy();
    expect(load).not.toHaveBeenCalled();
    expect(await screen.findByText("loaded")).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("gives a later mount the loaded module at once", async () => {
    const load = vi.fn(() => Promise.resolve({ word: "loaded" }));
    const first = render(<Probe load={load} />);
    await screen.findByText("loaded");
    first.unmount();
    render(<Probe load={load} />);
    expect(screen.getByText("loaded")).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("keeps the plain version when the module cannot be loaded", async () => {
    const load = vi.fn(() => Promise.reject(new Error("offline")));
    render(<Probe load={load} />);
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(load).toHaveBeenCalledTimes(1);
    expect(screen.getByText("plain")).toBeTruthy();
  });
});
