// @vitest-environment happy-dom
// The knowledge base in a DOM with the Tauri bridge mocked: a property's entries listed and
// filtered through the command, the editor's own checks beside each field before anything is
// sent, the core's refusal under its field, a new entry saved, retired after the confirm, and
// the FAQ bot's reply with its cited entry, confidence and hand-off.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";

const CATEGORIES = ["parking", "amenities", "maintenance", "policies", "utilities", "neighborhood", "safety", "emergency", "faq"];
type Entry = {
  id: string; property_id: string; category: string; question: string; answer: string; keywords: string[];
  is_active: boolean; created_at: string; updated_at: string;
};
const entry = (id: string, category: string, question: string, answer: string): Entry => ({
  id, property_id: "p1", category, question, answer, keywords: [], is_active: true,
  created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z",
});
let entries: Entry[] = [
  entry("e1", "parking", "Where can my guests park?", "In the visitor spaces."),
  entry("e2", "amenities", "What are the pool hours?", "8 AM to 10 PM."),
];
const calls: [string, Record<string, unknown>][] = [];
const confirmed: string[] = [];

vi.mock("$lib/confirm.svelte", () => ({
  confirm: vi.fn(async (req: { title: string }) => {
    confirmed.push(req.title);
    return true;
  }),
}));

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string, args: Record<string, unknown>) => {
    calls.push([cmd, args]);
    if (cmd === "list_properties") return [{ id: "p1", name: "Harbor View" }, { id: "p2", name: "Elm Court" }];
    if (cmd === "kb_entries") {
      const q = ((args.search as string | null) ?? "").toLowerCase();
      const shown = entries
        .filter((e) => args.includeRetired || e.is_active)
        .filter((e) => !args.category || e.category === args.category)
        .filter((e) => !q || e.question.toLowerCase().includes(q) || e.answer.toLowerCase().includes(q));
      return {
        property_id: args.propertyId, property_name: "Harbor View", categories: CATEGORIES, entries: shown,
        total: entries.length, retired: entries.filter((e) => !e.is_active).length,
      };
    }
    if (cmd === "kb_save") {
      const input = args.entry as Omit<Entry, "id"> & { id: string | null };
      if (input.question.startsWith("Where can my guests")) {
        throw { code: "invalid_input", detail: "This property already has the question 'Where can my guests park?': edit that entry instead." };
      }
      const saved = { ...entry(input.id ?? "e9", input.category, input.question, input.answer), keywords: input.keywords, is_active: input.is_active };
      entries = [...entries.filter((e) => e.id !== saved.id), saved];
      return saved;
    }
    if (cmd === "kb_ask") return {
      answer: "Yes: plots are $15 a month.", source_entry_id: "e9", source_question: "Is there a rooftop garden?",
      category: "amenities", confidence: 0.78, handoff: false, provider: "offline", needs_review: false,
      handoff_conversation_id: null,
    };
    throw { code: "unknown", detail: `no command ${cmd}` };
  }),
}));

import View from "./View.svelte";

const settle = async () => {
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};
const text = (css: string) => document.querySelector(css)?.textContent?.trim() ?? null;
const click = async (css: string) => {
  (document.querySelector(css) as HTMLElement).click();
  await settle();
};
const type = (css: string, value: string) => {
  const el = document.querySelector(css) as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
};
const rowIds = () => [...document.querySelectorAll("#kb-entries tr.kb-entry")].map((r) => r.getAttribute("data-id"));
const lastEntries = () => calls.filter(([c]) => c === "kb_entries").at(-1)![1];

describe("knowledge base", () => {
  let app: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (app) unmount(app);
    app = null;
  });

  it("lists, filters, adds, retires and asks the bot", async () => {
    document.body.innerHTML = '<main id="main"></main>';
    app = mount(View, { target: document.getElementById("main")! });
    flushSync();
    await vi.waitFor(() => expect(rowIds()).toEqual(["e1", "e2"]));
    expect(text("main h1")).toBe("Knowledge base");
    expect([...document.querySelectorAll("#kb-f-category option")].map((o) => o.getAttribute("value"))).toEqual(CATEGORIES);

    type("#kb-category", "amenities");
    type("#kb-search", "pool");
    await vi.waitFor(() => expect(lastEntries()).toEqual({ propertyId: "p1", category: "amenities", search: "pool", includeRetired: true }));
    await vi.waitFor(() => expect(rowIds()).toEqual(["e2"]));
    type("#kb-category", "");
    type("#kb-search", "");

    // The editor's checks show before anything is sent.
    await click("#kb-new");
    await click("#kb-save");
    expect(text("#kb-editor .field:nth-of-type(2) .error-text")).toBe("Type the question a tenant asks.");
    expect(calls.some(([c]) => c === "kb_save")).toBe(false);

    // The core's refusal lands under the question.
    type("#kb-f-question", "Where can my guests park overnight?");
    type("#kb-f-answer", "With a guest pass.");
    await click("#kb-save");
    expect(text("#kb-editor .field:nth-of-type(2) .error-text")).toContain("already has the question");

    type("#kb-f-category", "amenities");
    type("#kb-f-question", "Is there a rooftop garden?");
    type("#kb-f-answer", "Yes: plots are $15 a month.");
    type("#kb-f-keywords", "Rooftop garden, plot, ");
    await click("#kb-save");
    expect(calls.filter(([c]) => c === "kb_save").at(-1)![1]).toEqual({
      propertyId: "p1",
      entry: { id: null, category: "amenities", question: "Is there a rooftop garden?", answer: "Yes: plots are $15 a month.",
        keywords: ["rooftop garden", "plot"], is_active: true },
    });
    expect(document.querySelector("#kb-editor")!.getAttribute("data-mode")).toBe("edit");
    await vi.waitFor(() => expect(rowIds()).toContain("e9"));

    await click("#kb-retire");
    expect(confirmed).toEqual(["Retire this entry?"]);
    expect((calls.filter(([c]) => c === "kb_save").at(-1)![1].entry as Entry).is_active).toBe(false);
    await vi.waitFor(() => expect(document.querySelector("#kb-entries tr.kb-entry[data-id=e9]")!.getAttribute("data-active")).toBe("false"));
    expect(document.querySelector("#kb-restore")).not.toBeNull();

    type("#kb-question", "Can I rent a garden plot?");
    await click("#kb-ask-submit");
    expect(calls.filter(([c]) => c === "kb_ask").at(-1)![1]).toEqual({ propertyId: "p1", question: "Can I rent a garden plot?" });
    expect(text("#kb-reply-answer")).toBe("Yes: plots are $15 a month.");
    expect(text("#kb-reply-source")).toContain("From the entry “Is there a rooftop garden?” (Amenities)");
    expect(text("#kb-reply-confidence")).toBe("78%");
    expect(text("#kb-reply-handoff")).toBe("No");
    expect(document.querySelector("#kb-reply")!.getAttribute("data-handoff")).toBe("false");
  });
});
