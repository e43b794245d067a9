-- Move-In Inspection (spec 4.4): the inspection, its rooms, photos and rated items.
-- Photos, signatures and the condition report are content-addressed blobs: the *_url columns
-- hold `blob:<sha256>` and the bytes live in the replica's blob directory, ready for sync.
-- Columns beyond the spec (quality metrics, analysis queue, signer names, finalized_at) are
-- what the offline desktop flow needs; JSON columns are JSONB.

CREATE TABLE move_in_inspection (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    lease_id UUID NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    inspector_name TEXT NOT NULL,
    inspection_date DATE NOT NULL,
    status TEXT NOT NULL DEFAULT 'in_progress'
        CHECK (status IN ('in_progress', 'ai_processing', 'review', 'pending_signatures', 'finalized')),
    rooms_required JSONB NOT NULL DEFAULT '[]',
    rooms_completed JSONB NOT NULL DEFAULT '[]',
    completeness_pct INTEGER NOT NULL DEFAULT 0,
    total_items_documented INTEGER NOT NULL DEFAULT 0,
    items_excellent INTEGER NOT NULL DEFAULT 0,
    items_good INTEGER NOT NULL DEFAULT 0,
    items_fair INTEGER NOT NULL DEFAULT 0,
    items_poor INTEGER NOT NULL DEFAULT 0,
    items_damaged INTEGER NOT NULL DEFAULT 0,
    overall_condition_score DOUBLE PRECISION,
    tenant_signature_url TEXT NOT NULL DEFAULT '',
    tenant_signed_at TIMESTAMPTZ,
    tenant_signer_name TEXT NOT NULL DEFAULT '',
    manager_signature_url TEXT NOT NULL DEFAULT '',
    manager_signed_at TIMESTAMPTZ,
    manager_signer_name TEXT NOT NULL DEFAULT '',
    condition_report_url TEXT NOT NULL DEFAULT '',
    location_lat DOUBLE PRECISION,
    location_lng DOUBLE PRECISION,
    location_verified BOOLEAN NOT NULL DEFAULT FALSE,
    finalized_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX move_in_inspection_unit_idx ON move_in_inspection(unit_id);
CREATE INDEX move_in_inspection_lease_idx ON move_in_inspection(lease_id);
CREATE INDEX move_in_inspection_property_idx ON move_in_inspection(property_id, status);

CREATE TABLE move_in_room (
    id UUID PRIMARY KEY,
    inspection_id UUID NOT NULL REFERENCES move_in_inspection(id) ON DELETE CASCADE,
    room_type TEXT NOT NULL,
    room_name TEXT NOT NULL,
    room_order INTEGER NOT NULL DEFAULT 0,
    overall_condition TEXT NOT NULL DEFAULT 'not_inspected'
        CHECK (overall_condition IN ('excellent', 'good', 'fair', 'poor', 'damaged', 'not_inspected')),
    notes TEXT NOT NULL DEFAULT '',
    photo_count INTEGER NOT NULL DEFAULT 0,
    is_complete BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (inspection_id, room_type)
);
CREATE INDEX move_in_room_inspection_idx ON move_in_room(inspection_id, room_order);

CREATE TABLE move_in_photo (
    id UUID PRIMARY KEY,
    inspection_id UUID NOT NULL REFERENCES move_in_inspection(id) ON DELETE CASCADE,
    room_id UUID NOT NULL REFERENCES move_in_room(id) ON DELETE CASCADE,
    photo_url TEXT NOT NULL,
    photo_order INTEGER NOT NULL DEFAULT 0,
    captured_at TIMESTAMPTZ,
    gps_lat DOUBLE PRECISION,
    gps_lng DOUBLE PRECISION,
    ai_quality_score DOUBLE PRECISION,
    ai_quality_issues JSONB NOT NULL DEFAULT '[]',
    is_acceptable BOOLEAN NOT NULL DEFAULT TRUE,
    ai_analyzed BOOLEAN NOT NULL DEFAULT FALSE,
    ai_condition_summary TEXT NOT NULL DEFAULT '',
    ai_items_found JSONB NOT NULL DEFAULT '[]',
    file_name TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    byte_size INTEGER NOT NULL DEFAULT 0,
    quality_metrics JSONB NOT NULL DEFAULT '{}',
    quality_suggestion TEXT NOT NULL DEFAULT '',
    analysis_status TEXT NOT NULL DEFAULT 'queued'
        CHECK (analysis_status IN ('queued', 'done', 'needs_review', 'failed')),
    analysis_provider TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX move_in_photo_room_idx ON move_in_photo(room_id, photo_order);
CREATE INDEX move_in_photo_inspection_idx ON move_in_photo(inspection_id, analysis_status);

CREATE TABLE move_in_item (
    id UUID PRIMARY KEY,
    room_id UUID NOT NULL REFERENCES move_in_room(id) ON DELETE CASCADE,
    item_order INTEGER NOT NULL DEFAULT 0,
    item_type TEXT NOT NULL,
    item_label TEXT NOT NULL,
    condition_rating TEXT NOT NULL DEFAULT '',
    ai_description TEXT NOT NULL DEFAULT '',
    ai_pre_existing_issues JSONB NOT NULL DEFAULT '[]',
    ai_confidence DOUBLE PRECISION,
    ai_provider TEXT NOT NULL DEFAULT '',
    photo_id UUID REFERENCES move_in_photo(id) ON DELETE SET NULL,
    human_override TEXT NOT NULL DEFAULT '',
    human_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX move_in_item_room_idx ON move_in_item(room_id, item_order);
