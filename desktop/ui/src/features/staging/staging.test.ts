import { describe, expect, it } from "vitest";
import type { StagingPhotoView } from "$lib/bindings";
import { clampPosition, isPhotoFile, keyPosition, labelTone, pointerPosition, progressText, roomError, roomFromFile } from "./staging";

describe("the before/after divider", () => {
  it("stays within the photo", () => {
    expect(clampPosition(-10)).toBe(0);
    expect(clampPosition(37.5)).toBe(37.5);
    expect(clampPosition(140)).toBe(100);
    expect(clampPosition(Number.NaN)).toBe(50);
  });

  it("moves 5 % per arrow key, 25 % with Shift, to either end with Home and End", () => {
    expect(keyPosition(50, "ArrowLeft")).toBe(45);
    expect(keyPosition(50, "ArrowRight")).toBe(55);
    expect(keyPosition(50, "ArrowRight", true)).toBe(75);
    expect(keyPosition(2, "ArrowLeft")).toBe(0);
    expect(keyPosition(98, "ArrowRight")).toBe(100);
    expect(keyPosition(40, "Home")).toBe(0);
    expect(keyPosition(40, "End")).toBe(100);
    expect(keyPosition(40, "ArrowUp")).toBeNull();
  });

  it("follows the pointer over the photo", () => {
    expect(pointerPosition(150, 100, 200)).toBe(25);
    expect(pointerPosition(50, 100, 200)).toBe(0);
    expect(pointerPosition(400, 100, 200)).toBe(100);
    expect(pointerPosition(150, 100, 0)).toBe(50);
  });
});

describe("a photo", () => {
  const view = (status: string, staged: boolean) =>
    ({ label: "", photo: { processing_status: status, virtually_staged: staged } }) as unknown as StagingPhotoView;

  it("is toned by what was done to it", () => {
    expect(labelTone(view("completed", false))).toBe("good");
    expect(labelTone(view("completed", true))).toBe("warn");
    expect(labelTone(view("failed", false))).toBe("bad");
    expect(labelTone(view("pending", false))).toBe("neutral");
  });

  it("is a JPEG or PNG with a room named", () => {
    expect(isPhotoFile("room.JPG", "")).toBe(true);
    expect(isPhotoFile("room.webp", "image/webp")).toBe(false);
    expect(roomFromFile("living-room_2.jpg")).toBe("living room");
    expect(roomError(" ")).toBe("Name the room (living room, kitchen, bedroom…).");
    expect(roomError("x".repeat(51))).toBe("A room name is at most 50 characters.");
    expect(roomError("kitchen")).toBeNull();
  });

  it("reports generation progress", () => {
    expect(progressText(0, 0)).toBe("Starting…");
    expect(progressText(2, 5)).toBe("2 of 5 photos");
    expect(progressText(1, 1)).toBe("1 of 1 photo");
  });
});
