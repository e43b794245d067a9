// The staging view's pure parts: the before/after divider's position (a percentage of the
// photo's width, moved by drag or by ←/→), the label a photo shows (the core's own words), and
// the lines of the publish confirm.
import type { StagingPhotoView } from "$lib/bindings";

/** The divider's position kept within the photo: 0–100 %, and a number. */
export function clampPosition(pos: number): number {
  if (!Number.isFinite(pos)) return 50;
  return Math.min(100, Math.max(0, pos));
}

/** The step of one arrow key press, and of Shift+arrow. */
export const STEP = 5;
export const BIG_STEP = 25;

/** The divider after a key press, or null when the key does not move it. */
export function keyPosition(pos: number, key: string, shift = false): number | null {
  const step = shift ? BIG_STEP : STEP;
  switch (key) {
    case "ArrowLeft":
      return clampPosition(pos - step);
    case "ArrowRight":
      return clampPosition(pos + step);
    case "Home":
      return 0;
    case "End":
      return 100;
    default:
      return null;
  }
}

/** The divider under a pointer at `clientX` over a photo spanning `left` to `left + width`. */
export function pointerPosition(clientX: number, left: number, width: number): number {
  if (!(width > 0)) return 50;
  return clampPosition(((clientX - left) / width) * 100);
}

/** The photo's badge tone: staged and enhanced photos are done; failed ones are bad. */
export function labelTone(p: Pick<StagingPhotoView, "label" | "photo">): "good" | "warn" | "bad" | "neutral" {
  if (p.photo.processing_status === "failed") return "bad";
  if (p.photo.processing_status !== "completed") return "neutral";
  return p.photo.virtually_staged ? "warn" : "good";
}

/** How far generation is: "2 of 5 photos". */
export function progressText(done: number, total: number): string {
  return total > 0 ? `${done} of ${total} photo${total === 1 ? "" : "s"}` : "Starting…";
}

/** The name a room was given, checked as the core checks it. */
export function roomError(room: string): string | null {
  const r = room.trim();
  if (!r) return "Name the room (living room, kitchen, bedroom…).";
  return [...r].length > 50 ? "A room name is at most 50 characters." : null;
}

/** The file is an image the core reads (JPEG or PNG), by its type or name. */
export function isPhotoFile(name: string, type: string): boolean {
  return type === "image/jpeg" || type === "image/png" || /\.(jpe?g|png)$/i.test(name);
}

/** A room name from a file name: `living-room_2.jpg` → `living room`. */
export function roomFromFile(name: string): string {
  return name
    .replace(/\.[^.]+$/, "")
    .replace(/[_-]+/g, " ")
    .replace(/\s*\d+$/, "")
    .trim()
    .toLowerCase();
}
