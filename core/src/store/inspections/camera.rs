//! Move-in photos imported from a camera folder, and condition analysis through the AI gateway,
//! in the replica. Built on the public inspection operations (`add_move_in_photo`,
//! `analyze_move_in_photos`), so every photo is checked, stored and counted exactly as one
//! added by hand.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{found, get_uuid, optional, AnalysisRun, Result, Store, StoreError};
use crate::ai::{AiRunLog, Gateway, MemoryLog};
use crate::blobs::{sha256_hex, BlobStore};
use crate::inspections::analysis::GatewayAnalyzer;
use crate::inspections::camera::CameraFile;
use crate::inspections::{self as insp, quality, InspectionError, MoveInPhoto, PhotoError};

/// A photo the import added (kept with its quality verdict, even when it needs a retake).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportedPhoto {
    pub name: String,
    pub photo: MoveInPhoto,
    /// "Good photo (score 0.91)" or "Retake: too dark (score 0.22)".
    pub verdict: String,
}

/// A file the import did not add, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RefusedFile {
    pub name: String,
    pub reason: String,
}

/// What one import did with each file it was given, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CameraImport {
    pub imported: Vec<ImportedPhoto>,
    /// Files whose content is already a photo of this inspection (or earlier in this import).
    pub duplicates: Vec<String>,
    pub refused: Vec<RefusedFile>,
}

impl Store {
    /// The sha256 of every photo of an inspection.
    pub fn move_in_photo_hashes(&self, inspection_id: Uuid) -> Result<HashSet<String>> {
        let mut stmt = self.conn().prepare("SELECT photo_url FROM move_in_photo WHERE inspection_id = ?1")?;
        let urls = stmt.query_map([inspection_id.to_string()], |r| r.get::<_, String>(0))?;
        let mut hashes = HashSet::new();
        for url in urls {
            if let Some(h) = insp::blob_hash(&url?) {
                hashes.insert(h.to_string());
            }
        }
        Ok(hashes)
    }

    /// Photos waiting for condition analysis, across the replica.
    pub fn queued_move_in_photos(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM move_in_photo WHERE analysis_status = 'queued'", [], |r| r.get(0))?)
    }

    /// Adds camera files to a room. A file whose content is already in this inspection is
    /// skipped as a duplicate; a file that cannot be a photo (unreadable, not an image,
    /// truncated, too large) is refused with its reason and the rest still import. Each photo
    /// is its own transaction, so an import cut short keeps what it added.
    pub fn import_move_in_camera_files(
        &mut self,
        blobs: &BlobStore,
        room_id: Uuid,
        files: &[CameraFile],
        now: DateTime<Utc>,
    ) -> Result<CameraImport> {
        let r =
            self.conn().query_row("SELECT inspection_id FROM move_in_room WHERE id = ?1", [room_id.to_string()], |r| {
                get_uuid(r, 0)
            });
        let inspection_id = found(optional(r)?, "Room", room_id)?;
        insp::ensure_editable(&self.move_in_inspection(inspection_id)?)?;
        let mut seen = self.move_in_photo_hashes(inspection_id)?;
        let mut out = CameraImport::default();
        let refuse = |out: &mut CameraImport, name: &str, reason: String| {
            out.refused.push(RefusedFile { name: name.to_string(), reason })
        };
        for file in files {
            // Checked before reading, so a huge file with a photo's name is not loaded.
            if file.byte_size > quality::MAX_BYTES as u64 {
                refuse(
                    &mut out,
                    &file.name,
                    PhotoError::TooLarge(file.byte_size.div_ceil(1 << 20) as usize).to_string(),
                );
                continue;
            }
            let bytes = match std::fs::read(&file.path) {
                Ok(b) => b,
                Err(e) => {
                    refuse(&mut out, &file.name, format!("cannot read the file: {e}"));
                    continue;
                }
            };
            let hash = sha256_hex(&bytes);
            if seen.contains(&hash) {
                out.duplicates.push(file.name.clone());
                continue;
            }
            match self.add_move_in_photo(blobs, room_id, &file.name, &bytes, None, now) {
                Ok((photo, q)) => {
                    seen.insert(hash);
                    out.imported.push(ImportedPhoto { name: file.name.clone(), photo, verdict: q.verdict });
                }
                Err(StoreError::Inspection(InspectionError::Photo(e))) => refuse(&mut out, &file.name, e.to_string()),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Analyses the inspection's queued photos through the AI gateway (`GatewayAnalyzer`) and
    /// records every AI call in this replica's `ai_run`. The runs are written after the photos,
    /// whatever the outcome, because the analysis holds the store while it works.
    pub fn analyze_move_in_with_gateway(
        &mut self,
        blobs: &BlobStore,
        inspection_id: Uuid,
        gateway: &Gateway,
        now: DateTime<Utc>,
    ) -> Result<AnalysisRun> {
        let log = MemoryLog::default();
        let result = {
            let analyzer = GatewayAnalyzer::new(gateway, &log as &dyn AiRunLog, now);
            self.analyze_move_in_photos(blobs, inspection_id, &analyzer, now)
        };
        for run in log.runs() {
            self.insert_ai_run(&run)?;
        }
        result
    }
}
