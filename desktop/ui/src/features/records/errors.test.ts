import { describe, expect, it } from "vitest";
import { fieldOf } from "./errors";

describe("fieldOf", () => {
  const rules: [RegExp, string][] = [[/time zone/i, "time_zone"], [/name/i, "name"]];
  it("places a refusal beside the field it names", () => {
    expect(fieldOf("Unknown time zone 'Mars/Olympus': use an IANA name such as UTC.", rules)).toBe("time_zone");
    expect(fieldOf("Property name is required.", rules)).toBe("name");
  });
  it("keeps other refusals for the whole form", () => {
    expect(fieldOf("the replica is unavailable", rules)).toBeNull();
  });
});
