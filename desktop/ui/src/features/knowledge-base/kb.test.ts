import { describe, expect, it } from "vitest";
import type { KnowledgeEntry } from "$lib/bindings";
import {
  activeLines, checkForm, confidenceLabel, emptyForm, formOf, hasErrors, parseKeywords, providerLabel, refusalField,
  replySource, toInput,
} from "./kb";

const ENTRY: KnowledgeEntry = {
  id: "e1", property_id: "p1", category: "parking", question: "Where can my guests park?",
  answer: "In the visitor spaces by the office.", keywords: ["guest parking", "visitor"], is_active: true,
  created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-02T10:00:00Z",
};

describe("the entry form", () => {
  it("reads keywords as a comma-separated list, trimmed, lower-cased and once each", () => {
    expect(parseKeywords(" Guest Parking, visitor ,, PASS, guest parking ")).toEqual(["guest parking", "visitor", "pass"]);
    expect(parseKeywords("  ")).toEqual([]);
  });

  it("round-trips an entry and becomes the core's input", () => {
    const f = formOf(ENTRY);
    expect(f).toEqual({
      id: "e1", category: "parking", question: "Where can my guests park?", answer: "In the visitor spaces by the office.",
      keywords: "guest parking, visitor", is_active: true,
    });
    expect(toInput({ ...f, question: "  Where can guests park?  ", keywords: "Visitor, tow" })).toEqual({
      id: "e1", category: "parking", question: "Where can guests park?", answer: "In the visitor spaces by the office.",
      keywords: ["visitor", "tow"], is_active: true,
    });
    expect(toInput(f, false).is_active).toBe(false);
    expect(toInput(emptyForm("amenities")).id).toBeNull();
  });

  it("says beside each field what the core would refuse", () => {
    const blank = checkForm(emptyForm());
    expect(blank).toEqual({
      category: null, question: "Type the question a tenant asks.", answer: "Type the answer the bot gives.", keywords: null,
    });
    expect(hasErrors(blank)).toBe(true);
    expect(hasErrors(checkForm(formOf(ENTRY)))).toBe(false);
    const bad = checkForm({
      ...formOf(ENTRY), category: "pets", question: "q".repeat(501), answer: "a".repeat(5001),
      keywords: Array.from({ length: 31 }, (_, i) => `k${i}`).join(","),
    });
    expect(bad.category).toMatch(/^Pick a category: Parking, Amenities, .*Faq\.$/);
    expect(bad.question).toBe("A question is at most 500 characters.");
    expect(bad.answer).toBe("An answer is at most 5,000 characters.");
    expect(bad.keywords).toBe("At most 30 keywords (31 now).");
    expect(checkForm({ ...formOf(ENTRY), keywords: "x".repeat(61) }).keywords).toMatch(/is over 60 characters/);
  });

  it("places the core's refusals under the field they are about", () => {
    expect(refusalField("category is one of parking, amenities.")).toBe("category");
    expect(refusalField("question is at most 500 characters.")).toBe("question");
    expect(refusalField("This property already has the question 'X': edit that entry instead.")).toBe("question");
    expect(refusalField("answer is at most 5,000 characters.")).toBe("answer");
    expect(refusalField("At most 30 keywords of up to 60 characters.")).toBe("keywords");
    expect(refusalField("An entry needs a question and an answer.")).toBeNull();
  });
});

describe("the bot's reply", () => {
  it("states its source, confidence and who answered", () => {
    expect(replySource({ source_question: "Where can my guests park?", category: "parking", handoff: false }))
      .toBe("From the entry “Where can my guests park?” (Parking)");
    expect(replySource({ source_question: null, category: "", handoff: true }))
      .toBe("No entry answers this: the bot hands the question to a person.");
    expect(confidenceLabel(0.824)).toBe("82%");
    expect(confidenceLabel(null)).toBe("—");
    expect(providerLabel("offline")).toBe("Answered offline from the knowledge base");
    expect(providerLabel("claude")).toBe("Answered by Claude");
  });

  it("lists what retiring and restoring do", () => {
    expect(activeLines(ENTRY, true).map((l) => l.value)).toEqual([
      "Where can my guests park?", "Parking", "The FAQ bot stops citing it. It stays in the list as retired and can be restored.",
    ]);
    expect(activeLines(ENTRY, false)[2]!.value).toBe("The FAQ bot can cite it again.");
  });
});
