-- Move-In Inspection (spec 4.4): the inspection, its rooms, photos and rated items.
-- Photos, signatures and the condition report are content-addressed blobs: the *_url columns
-- hold `blob:<sha256>` and the bytes live in the replica's blob directory, ready for sync.
-- Columns beyond the spec (quality metrics, analysis queue, signer names, finalized_at) are
-- what the offline desktop flow needs; JSON columns are text.

CREATE TABLE move_in_inspection (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    lease_id TEXT NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    inspector_name TEXT NOT NULL,
    inspection_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'in_progress'
        CHECK (status IN ('in_progress', 'ai_processing', 'review', 'pending_signatures', 'finalized')),
    rooms_required TEXT NOT NULL DEFAULT '[]',
    rooms_completed TEXT NOT NULL DEFAULT '[]',
    completeness_pct INTEGER NOT NULL DEFAULT 0,
    total_items_documented INTEGER NOT NULL DEFAULT 0,
    items_excellent INTEGER NOT NULL DEFAULT 0,
    items_good INTEGER NOT NULL DEFAULT 0,
    items_fair INTEGER NOT NULL DEFAULT 0,
    items_poor INTEGER NOT NULL DEFAULT 0,
    items_damaged INTEGER NOT NULL DEFAULT 0,
    overall_condition_score REAL,
    tenant_signature_url TEXT NOT NULL DEFAULT '',
    tenant_signed_at TEXT,
    tenant_signer_name TEXT NOT NULL DEFAULT '',
    manager_signature_url TEXT NOT NULL DEFAULT '',
    manager_signed_at TEXT,
    manager_signer_name TEXT NOT NULL DEFAULT '',
    condition_report_url TEXT NOT NULL DEFAULT '',
    location_lat REAL,
    location_lng REAL,
    location_verified INTEGER NOT NULL DEFAULT 0,
    finalized_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX move_in_inspection_unit_idx ON move_in_inspection(unit_id);
CREATE INDEX move_in_inspection_lease_idx ON move_in_inspection(lease_id);
CREATE INDEX move_in_inspection_property_idx ON move_in_inspection(property_id, status);

CREATE TABLE move_in_room (
    id TEXT PRIMARY KEY NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES move_in_inspection(id) ON DELETE CASCADE,
    room_type TEXT NOT NULL,
    room_name TEXT NOT NULL,
    room_order INTEGER NOT NULL DEFAULT 0,
    overall_condition TEXT NOT NULL DEFAULT 'not_inspected'
        CHECK (overall_condition IN ('excellent', 'good', 'fair', 'poor', 'damaged', 'not_inspected')),
    notes TEXT NOT NULL DEFAULT '',
    photo_count INTEGER NOT NULL DEFAULT 0,
    is_complete INTEGER NOT NULL DEFAULT 0,
    UNIQUE (inspection_id, room_type)
);
CREATE INDEX move_in_room_inspection_idx ON move_in_room(inspection_id, room_order);

CREATE TABLE move_in_photo (
    id TEXT PRIMARY KEY NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES move_in_inspection(id) ON DELETE CASCADE,
    room_id TEXT NOT NULL REFERENCES move_in_room(id) ON DELETE CASCADE,
    photo_url TEXT NOT NULL,
    photo_order INTEGER NOT NULL DEFAULT 0,
    captured_at TEXT,
    gps_lat REAL,
    gps_lng REAL,
    ai_quality_score REAL,
    ai_quality_issues TEXT NOT NULL DEFAULT '[]',
    is_acceptable INTEGER NOT NULL DEFAULT 1,
    ai_analyzed INTEGER NOT NULL DEFAULT 0,
    ai_condition_summary TEXT NOT NULL DEFAULT '',
    ai_items_found TEXT NOT NULL DEFAULT '[]',
    file_name TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    byte_size INTEGER NOT NULL DEFAULT 0,
    quality_metrics TEXT NOT NULL DEFAULT '{}',
    quality_suggestion TEXT NOT NULL DEFAULT '',
    analysis_status TEXT NOT NULL DEFAULT 'queued'
        CHECK (analysis_status IN ('queued', 'done', 'needs_review', 'failed')),
    analysis_provider TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX move_in_photo_room_idx ON move_in_photo(room_id, photo_order);
CREATE INDEX move_in_photo_inspection_idx ON move_in_photo(inspection_id, analysis_status);

CREATE TABLE move_in_item (
    id TEXT PRIMARY KEY NOT NULL,
    room_id TEXT NOT NULL REFERENCES move_in_room(id) ON DELETE CASCADE,
    item_order INTEGER NOT NULL DEFAULT 0,
    item_type TEXT NOT NULL,
    item_label TEXT NOT NULL,
    condition_rating TEXT NOT NULL DEFAULT '',
    ai_description TEXT NOT NULL DEFAULT '',
    ai_pre_existing_issues TEXT NOT NULL DEFAULT '[]',
    ai_confidence REAL,
    ai_provider TEXT NOT NULL DEFAULT '',
    photo_id TEXT REFERENCES move_in_photo(id) ON DELETE SET NULL,
    human_override TEXT NOT NULL DEFAULT '',
    human_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX move_in_item_room_idx ON move_in_item(room_id, item_order);
