// URLs for stored files, served by the app's `media` custom protocol (media://localhost/... on
// Linux/macOS, http://media.localhost/... on Windows; convertFileSrc picks the right one).
// Files are content-addressed by their SHA-256, so the URLs are cacheable forever.
import { convertFileSrc } from "@tauri-apps/api/core";

export type MediaKind = "blob" | "thumb";

/** convertFileSrc percent-encodes the path, so the protocol handler sees `blob%2F<sha>` and decodes it. */
export function mediaUrl(kind: MediaKind, sha256: string): string {
  return convertFileSrc(`${kind}/${sha256}`, "media");
}

/** The full-size photo. */
export const photoUrl = (sha256: string): string => mediaUrl("blob", sha256);
/** The small JPEG made at import, for grids and lists. */
export const thumbUrl = (sha256: string): string => mediaUrl("thumb", sha256);
/** A stored document (PDF letters, reports) for PdfView or an <object>. */
export const documentUrl = (sha256: string): string => mediaUrl("blob", sha256);
