// The move-out screens' calls that are not plain typed commands: the raw-body photo upload
// (bytes, never base64) and the camera-folder import in small batches with progress.
import { commands, type MoveOutImport, type PhotoUpload } from "$lib/bindings";
import { call, raw } from "$lib/ipc";

/** Adds one photo to a room of a move-out inspection from its bytes. */
export function uploadMoveOutPhoto(inspectionId: string, room: string, fileName: string, bytes: Uint8Array): Promise<PhotoUpload> {
  return raw<PhotoUpload>("upload_move_out_photo", bytes, { "inspection-id": inspectionId, room, "file-name": fileName }, { quiet: true });
}

export type ImportTotals = MoveOutImport & { room: string };

/**
 * Scans `folder` and imports its photos into `room` a few files per call, so the bar moves and
 * the window stays responsive; `progress(done, total)` after each batch. Null when the folder
 * holds no photo.
 */
export async function importCameraFolder(
  inspectionId: string,
  room: string,
  folder: string,
  progress: (done: number, total: number) => void,
  batch = 4,
): Promise<ImportTotals | null> {
  const scan = await call(commands.scanCameraFolder(folder));
  if (scan.files.length === 0) return null;
  const totals: ImportTotals = {
    room,
    imported: [],
    duplicates: [],
    refused: scan.unreadable.map((name) => ({ name, reason: "could not be listed" })),
  };
  progress(0, scan.files.length);
  for (let n = 0; n < scan.files.length; n += batch) {
    const part = await call(commands.moveOutImportCameraFiles(inspectionId, room, scan.files.slice(n, n + batch)));
    totals.imported.push(...part.imported);
    totals.duplicates.push(...part.duplicates);
    totals.refused.push(...part.refused);
    progress(Math.min(n + batch, scan.files.length), scan.files.length);
  }
  return totals;
}
