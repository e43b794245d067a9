// @vitest-environment happy-dom
// Smoke test of the shell in a DOM: the registry drives the sidebar, a route renders its view,
// the key help opens with `?`. The Tauri bridge is mocked (no app around the test).
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    if (cmd === "app_info")
      return {
        db_path: "/tmp/replica.db", schema_version: 1, leases: 0, photos_queued: 4,
        ai: { provider: "offline", model: "", label: "Offline check", note: "No API key" },
      };
    throw { code: "unknown", detail: `no command ${cmd}` };
  }),
  convertFileSrc: (p: string, protocol: string) => `${protocol}://localhost/${encodeURIComponent(p)}`,
}));

import App from "./App.svelte";
import { features } from "./features/registry";

// <dialog> support in happy-dom is partial; the shell only needs open/close.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) { this.setAttribute("open", ""); };
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) { this.removeAttribute("open"); this.dispatchEvent(new Event("close")); };

const settle = async () => {
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

describe("App shell", () => {
  let app: ReturnType<typeof mount>;
  beforeEach(() => {
    window.location.hash = "";
    document.body.innerHTML = '<div id="app"></div>';
    app = mount(App, { target: document.getElementById("app")! });
    flushSync();
  });
  afterEach(() => unmount(app));

  it("lists every registry entry and opens the default view", async () => {
    await settle();
    for (const f of features) expect(document.querySelector(`#nav-${f.id}`)?.textContent).toBe(f.label);
    // Views are lazy chunks: wait for the import.
    await vi.waitFor(() => expect(document.querySelector("main h1")?.textContent).toBe(features[0]!.label));
    expect(document.querySelector(`#nav-${features[0]!.id}`)?.getAttribute("aria-current")).toBe("page");
    expect(document.querySelector("#queued")?.textContent).toBe("4 photos queued for analysis");
    expect(document.querySelector("#replica")?.textContent).toBe("/tmp/replica.db");
  });

  it("follows the hash to each view", async () => {
    for (const f of features) {
      window.location.hash = `#/${f.path}`;
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      await vi.waitFor(() => expect(document.querySelector("main h1")?.textContent).toBe(f.label));
      expect(document.querySelector("nav [aria-current=page]")?.id).toBe(`nav-${f.id}`);
    }
  });

  it("opens the key help with ?", async () => {
    await settle();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "?", bubbles: true }));
    await settle();
    const help = document.querySelector("#key-help");
    expect(help?.hasAttribute("open")).toBe(true);
    expect(help?.textContent).toContain("Keyboard shortcuts");
    expect(help?.textContent).toContain(features.at(-1)!.label);
  });
});
