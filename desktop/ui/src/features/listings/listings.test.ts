import { describe, expect, it } from "vitest";
import type { PlatformOption } from "$lib/bindings";
import { checkForm, domText, hasErrors, moveBy, platformList, reorder, toEdits, unitLabel, type ListingForm } from "./listings";

const LIMITS = { max_title: 100, max_description: 2500, max_caption: 200 };

function form(over: Partial<ListingForm> = {}): ListingForm {
  return {
    title: "Sunny 2 bed",
    description: "Freshly painted.",
    photos: [
      { url: "blob:a", sha256: "a", caption: "Living room (virtually staged)", virtually_staged: true },
      { url: "blob:b", sha256: "b", caption: "Kitchen", virtually_staged: false },
      { url: "blob:c", sha256: "c", caption: "Bedroom", virtually_staged: false },
    ],
    ...over,
  };
}

describe("the photo order", () => {
  it("moves one photo to another place, the others keeping their order", () => {
    expect(reorder(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(reorder(["a", "b", "c", "d"], 3, 0)).toEqual(["d", "a", "b", "c"]);
    expect(reorder(["a", "b", "c"], 1, 1)).toEqual(["a", "b", "c"]);
  });

  it("clamps the place and ignores a photo that is not there, never losing one", () => {
    expect(reorder(["a", "b", "c"], 0, 99)).toEqual(["b", "c", "a"]);
    expect(reorder(["a", "b", "c"], 2, -4)).toEqual(["c", "a", "b"]);
    expect(reorder(["a", "b"], 5, 0)).toEqual(["a", "b"]);
    expect(reorder([], 0, 1)).toEqual([]);
  });

  it("moves up and down by one (Alt+↑/↓ and the buttons), staying put at either end", () => {
    expect(moveBy(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(moveBy(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
    expect(moveBy(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveBy(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });

  it("becomes the core's edit: each photo by its url with its trimmed caption", () => {
    const f = form();
    f.photos = moveBy(f.photos, 2, -1);
    f.photos[0]!.caption = "  Lounge ";
    expect(toEdits(f)).toEqual([
      { url: "blob:a", caption: "Lounge" },
      { url: "blob:c", caption: "Bedroom" },
      { url: "blob:b", caption: "Kitchen" },
    ]);
  });
});

describe("the form", () => {
  it("needs a title and a description within the longest platform's limits", () => {
    expect(hasErrors(checkForm(form(), LIMITS))).toBe(false);
    expect(checkForm(form({ title: "  " }), LIMITS).title).toBe("Title is required.");
    expect(checkForm(form({ description: "" }), LIMITS).description).toBe("Description is required.");
    expect(checkForm(form({ title: "x".repeat(101) }), LIMITS).title).toBe(
      "Title is at most 100 characters; this is 101.",
    );
    expect(checkForm(form({ title: "a\0b" }), LIMITS).title).toBe("Title must not contain a NUL character.");
  });

  it("checks each caption", () => {
    const f = form();
    f.photos[1]!.caption = "c".repeat(201);
    expect(checkForm(f, LIMITS).captions).toEqual([null, "A caption is at most 200 characters.", null]);
    expect(hasErrors(checkForm(f, LIMITS))).toBe(true);
  });
});

describe("the list and the confirms", () => {
  const options: PlatformOption[] = [
    { value: "zillow", label: "Zillow" },
    { value: "apartments_com", label: "Apartments.com" },
    { value: "hotpads", label: "HotPads" },
  ];

  it("names the platforms as people know them", () => {
    expect(platformList(["zillow", "apartments_com", "hotpads"], options)).toBe("Zillow, Apartments.com and HotPads");
    expect(platformList(["hotpads"], options)).toBe("HotPads");
    expect(platformList(["myspace"], options)).toBe("myspace");
  });

  it("shows no days on market for a draft", () => {
    expect(domText("draft", 0)).toBe("—");
    expect(domText("active", 12)).toBe("12 d");
  });
});

describe("the new-listing dialog", () => {
  it("names a vacant unit by its property and number", () => {
    expect(unitLabel({ property_name: "Maple Court", unit_number: "2B" })).toBe("Maple Court · 2B");
  });
});
