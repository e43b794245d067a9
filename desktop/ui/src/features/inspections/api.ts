// The inspection screens' calls that are not plain typed commands: raw-body uploads (photo and
// signature bytes, never base64) and the camera-folder import in small batches with progress.
import { commands, type CameraImport, type MoveInInspection, type PhotoAdded } from "$lib/bindings";
import { call, raw } from "$lib/ipc";

/** Adds one photo to a room from its bytes (what the file input and the camera path use). */
export function uploadPhoto(roomId: string, fileName: string, bytes: Uint8Array): Promise<PhotoAdded> {
  return raw<PhotoAdded>("upload_photo", bytes, { "room-id": roomId, "file-name": fileName }, { quiet: true });
}

/** Records a drawn signature (PNG bytes). Refused with the core's words below the signing rule. */
export function uploadSignature(inspectionId: string, role: "tenant" | "manager", signerName: string, png: Uint8Array) {
  return raw<MoveInInspection>("upload_signature", png, { "inspection-id": inspectionId, role, "signer-name": signerName }, { quiet: true });
}

export type ImportTotals = {
  roomId: string;
  imported: CameraImport["imported"];
  duplicates: string[];
  refused: CameraImport["refused"];
};

/**
 * Scans `folder` and imports its photos into `roomId` a few files per call, so the bar moves and
 * the window stays responsive; `progress(done, total)` after each batch. Null when the folder
 * holds no photo.
 */
export async function importCameraFolder(
  roomId: string,
  folder: string,
  progress: (done: number, total: number) => void,
  batch = 4,
): Promise<ImportTotals | null> {
  const scan = await call(commands.scanCameraFolder(folder));
  const totals: ImportTotals = {
    roomId,
    imported: [],
    duplicates: [],
    refused: scan.unreadable.map((name) => ({ name, reason: "could not be listed" })),
  };
  if (scan.files.length === 0) return null;
  progress(0, scan.files.length);
  for (let n = 0; n < scan.files.length; n += batch) {
    const part = await call(commands.importCameraFiles(roomId, scan.files.slice(n, n + batch)));
    totals.imported.push(...part.imported);
    totals.duplicates.push(...part.duplicates);
    totals.refused.push(...part.refused);
    progress(Math.min(n + batch, scan.files.length), scan.files.length);
  }
  return totals;
}

/** A canvas as PNG bytes. */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error("the signature could not be read"));
      blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject);
    }, "image/png");
  });
}
