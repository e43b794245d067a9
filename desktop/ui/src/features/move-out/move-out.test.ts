import { describe, expect, it } from "vitest";
import {
  awaitsReview, byRoom, classificationTone, confidenceText, costError, costRange, differenceLabel, draftsError,
  draftsOf, pairStatusLabel, providerLabel, rangeText, regionBox, regionStyle, runSummary,
} from "./move-out";

const item = (name: string, cost: string | null = "75.00") => ({
  item: name, severity: "moderate", category: "wall_damage", estimated_cost: cost, cost_note: "",
});

const table = [
  { category: "wall_damage", severity: "minor", min: "25", max: "75" },
  { category: "wall_damage", severity: "moderate", min: "75", max: "200" },
];

describe("move-out helpers", () => {
  it("tells which photos a person must still classify, and their tone", () => {
    expect(["pending", "needs_review", "damage", "normal_wear", "clean"].map((c) => awaitsReview({ classification: c as never })))
      .toEqual([true, true, false, false, false]);
    expect([classificationTone("damage"), classificationTone("needs_review"), classificationTone("clean"), classificationTone("normal_wear")])
      .toEqual(["bad", "warn", "good", "neutral"]);
  });

  it("labels providers, confidence and runs", () => {
    expect(providerLabel("offline")).toBe("Offline check — classify by eye");
    expect(providerLabel("claude")).toBe("Analysed by Claude");
    expect(providerLabel("")).toBe("Not analysed yet");
    expect(confidenceText(0.824)).toBe("82% confident");
    expect(confidenceText(null)).toBe("");
    expect(runSummary({ provider: "offline", analysed: 0, needs_review: 3, failed: 0, still_queued: 0, message: "" }))
      .toBe("Offline check — classify by eye: 0 classified, 3 to classify by eye.");
    expect(runSummary({ provider: "claude", analysed: 1, needs_review: 0, failed: 1, still_queued: 2, message: "claude is not available" }))
      .toBe("Analysed by Claude: 1 classified, 0 to classify by eye, 1 failed, 2 still pending. claude is not available");
  });

  it("shows the repair cost table's range for the chosen category and severity", () => {
    expect(costRange(table, "wall_damage", "moderate")?.max).toBe("200");
    expect(rangeText(table, "wall_damage", "minor")).toBe("Table: $25.00–$75.00");
    expect(rangeText(table, "other", "minor")).toBe("Not in the repair cost table: enter its price");
  });

  it("checks the damage items editor", () => {
    expect(costError("")).toBeNull();
    expect(costError("$1,250.50")).toBeNull();
    expect(costError("ten")).toBe("Dollars and cents, e.g. 150.00");
    expect(costError("-5")).toBe("Dollars and cents, e.g. 150.00");
    const drafts = draftsOf([item("Hole", null)]);
    expect(drafts).toEqual([{ item: "Hole", severity: "moderate", category: "wall_damage", estimated_cost: "" }]);
    expect(draftsError(drafts)).toBeNull();
    expect(draftsError([])).toMatch(/^Damage needs at least one item/);
    expect(draftsError([{ ...drafts[0]!, item: " " }])).toBe("Describe each item.");
    expect(draftsError([{ ...drafts[0]!, estimated_cost: "lots" }])).toBe("Dollars and cents, e.g. 150.00");
  });

  it("groups photos by room in walking order, empty rooms kept", () => {
    const rooms = [{ value: "living_room", label: "Living room" }, { value: "kitchen", label: "Kitchen" }];
    const photos = [{ id: "b", room: "living_room", photo_order: 1 }, { id: "c", room: "kitchen", photo_order: 0 }, { id: "a", room: "living_room", photo_order: 0 }];
    expect(byRoom(rooms, photos).map((r) => [r.value, r.photos.map((p) => p.id)])).toEqual([["living_room", ["a", "b"]], ["kitchen", ["c"]]]);
    expect(byRoom(rooms, []).map((r) => r.photos.length)).toEqual([0, 0]);
  });

  it("draws a diff region as a box in percent, kept inside the photo", () => {
    expect(regionBox({ x: 0.25, y: 0.5, w: 0.1, h: 0.2, score: 1 })).toEqual({ left: "25.00%", top: "50.00%", width: "10.00%", height: "20.00%" });
    expect(regionBox({ x: 0.9, y: -0.1, w: 0.5, h: 0.3, score: 1 })).toEqual({ left: "90.00%", top: "0.00%", width: "10.00%", height: "30.00%" });
    expect(regionStyle({ x: 0, y: 0, w: 1, h: 1, score: 1 })).toBe("left: 0.00%; top: 0.00%; width: 100.00%; height: 100.00%");
  });

  it("words pair statuses and differences; the move-in's notes are never charged", () => {
    expect(pairStatusLabel("no_move_in_photo")).toBe("No move-in photo");
    expect(pairStatusLabel("needs_review")).toBe("Differs: look at the pair");
    expect(differenceLabel({ classification: "pre_existing", charge_to_tenant: false })).toBe("Pre-existing — no charge");
    expect(differenceLabel({ classification: "new_damage", charge_to_tenant: true })).toBe("New damage — tenant's charge");
    expect(differenceLabel({ classification: "new_damage", charge_to_tenant: false })).toBe("New damage");
  });
});
