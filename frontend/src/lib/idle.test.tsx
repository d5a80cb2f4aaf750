// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { useIdleImport } from "./idle";

afterEach(cleanup);

function Probe({ load }: { load: () => Promise<{ word: string }> }) {
  const module = useIdleImport(load);
  return <p>{module ? module.word : "plain"}</p>;
}

function renderProbe(load: () => Promise<{ word: string }>, queryClient = new QueryClient()) {
  return render(
    <QueryClientProvider client={queryClient}>
      <Probe load={load} />
    </QueryClientProvider>,
  );
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

describe("useIdleImport", () => {
  it("shows the plain version first and the loaded module once the browser is idle", async () => {
    const load = vi.fn(() => Promise.resolve({ word: "loaded" }));
    renderProbe(load);
    expect(screen.getByText("plain")).toBeTruthy();
    expect(load).not.toHaveBeenCalled();
    expect(await screen.findByText("loaded")).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("waits for the page's requests to be answered", async () => {
    const queryClient = new QueryClient();
    let answer: (value: string) => void = () => undefined;
    void queryClient.fetchQuery({ queryKey: ["list"], queryFn: () => new Promise<string>((resolve) => (answer = resolve)) });
    const load = vi.fn(() => Promise.resolve({ word: "loaded" }));
    renderProbe(load, queryClient);
    await settle();
    expect(load).not.toHaveBeenCalled();
    answer("rows");
    expect(await screen.findByText("loaded")).toBeTruthy();
  });

  it("gives a later mount the loaded module at once", async () => {
    const load = vi.fn(() => Promise.resolve({ word: "loaded" }));
    const first = renderProbe(load);
    await screen.findByText("loaded");
    first.unmount();
    renderProbe(load);
    expect(screen.getByText("loaded")).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("keeps the plain version when the module cannot be loaded", async () => {
    const load = vi.fn(() => Promise.reject(new Error("offline")));
    renderProbe(load);
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(screen.getByText("plain")).toBeTruthy();
  });
});
