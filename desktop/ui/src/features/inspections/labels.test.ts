import { describe, expect, it } from "vitest";
import { blobHash, inspectorError, photoVerdict, providerLabel, ratedBy, stepRating } from "./labels";

describe("inspection labels", () => {
  it("labels analysis by provider", () => {
    expect(providerLabel("offline")).toBe("Offline check — rate by eye");
    expect(providerLabel("claude")).toBe("Analysed by Claude");
    expect(providerLabel("")).toBe("");
  });

  it("states a photo's verdict", () => {
    expect(photoVerdict({ is_acceptable: true, ai_quality_issues: [], ai_quality_score: 0.918 })).toBe("Good photo (0.92)");
    expect(photoVerdict({ is_acceptable: false, ai_quality_issues: ["too_dark", "blurry"], ai_quality_score: 0.2 })).toBe(
      "Retake: too dark, blurry (0.20)",
    );
  });

  it("says who rated an item", () => {
    const base = { condition_rating: null, human_override: null, ai_provider: "", ai_confidence: null };
    expect(ratedBy(base)).toBe("Not rated");
    expect(ratedBy({ ...base, condition_rating: "fair", ai_provider: "claude", ai_confidence: 0.8 })).toBe(
      "Analysed by Claude: Fair, 80% confident",
    );
    expect(ratedBy({ ...base, condition_rating: "fair", human_override: "good" })).toBe("Rated by the inspector: Good");
  });

  it("reads blob references", () => {
    const h = "a".repeat(64);
    expect(blobHash(`blob:${h}`)).toBe(h);
    expect(blobHash("")).toBeNull();
    expect(blobHash("blob:xyz")).toBeNull();
  });

  it("steps ratings with the arrow keys, wrapping", () => {
    expect(stepRating(null, 1)).toBe("excellent");
    expect(stepRating("excellent", -1)).toBe("damaged");
    expect(stepRating("good", 1)).toBe("fair");
  });

  it("validates the inspector's name", () => {
    expect(inspectorError("  ")).toBe("Enter the inspector's name");
    expect(inspectorError("Dana")).toBeNull();
    expect(inspectorError("x".repeat(151))).toMatch(/longer than 150/);
  });
});
