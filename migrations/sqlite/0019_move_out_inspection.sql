-- Move-out photo inspection (spec 3.1): one walk through the empty unit per lease, its photos
-- with what the AI and then a person concluded about each.
CREATE TABLE move_out_inspection (
    id TEXT PRIMARY KEY NOT NULL,
    turnover_case_id TEXT UNIQUE REFERENCES turnover_case(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    lease_id TEXT NOT NULL UNIQUE REFERENCES tenant_lease(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    inspector_name TEXT NOT NULL,
    inspection_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'in_progress'
        CHECK (status IN ('in_progress', 'ai_processing', 'review', 'finalized')),
    total_damage_cost TEXT NOT NULL DEFAULT '0',
    total_wear_items INTEGER NOT NULL DEFAULT 0,
    total_damage_items INTEGER NOT NULL DEFAULT 0,
    deduction_letter TEXT NOT NULL DEFAULT '',
    deduction_letter_generated_at TEXT,
    ai_processing_started_at TEXT,
    ai_processing_completed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX move_out_inspection_unit_idx ON move_out_inspection(unit_id);
CREATE INDEX move_out_inspection_property_idx ON move_out_inspection(property_id, created_at);

CREATE TABLE inspection_photo (
    id TEXT PRIMARY KEY NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES move_out_inspection(id) ON DELETE CASCADE,
    room TEXT NOT NULL,
    photo_url TEXT NOT NULL,
    thumbnail_url TEXT NOT NULL DEFAULT '',
    photo_order INTEGER NOT NULL DEFAULT 0,
    ai_analyzed INTEGER NOT NULL DEFAULT 0,
    ai_classification TEXT NOT NULL DEFAULT 'pending'
        CHECK (ai_classification IN ('pending', 'normal_wear', 'damage', 'clean', 'needs_review')),
    ai_confidence REAL,
    ai_description TEXT NOT NULL DEFAULT '',
    ai_damage_items TEXT NOT NULL DEFAULT '[]',
    human_classification TEXT NOT NULL DEFAULT '',
    human_override INTEGER NOT NULL DEFAULT 0,
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    -- Who classified it (claude, offline) and the damage items as the reviewer priced them.
    ai_provider TEXT NOT NULL DEFAULT '',
    human_damage_items TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX inspection_photo_inspection_idx ON inspection_photo(inspection_id, room, photo_order);
