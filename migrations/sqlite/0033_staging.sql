-- Virtual staging (spec 4.1): a project per unit and style, and its photos (the empty-room
-- original, the staged or enhanced version, their thumbnails). Both carry their property so they
-- sync by property. A photo is labelled "virtually staged" only when a staging service
-- furnished it; otherwise it is "enhanced, not staged".
CREATE TABLE staging_project (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    style TEXT NOT NULL DEFAULT 'modern'
        CHECK (style IN ('modern', 'traditional', 'minimalist', 'industrial', 'scandinavian')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'processing', 'completed', 'published')),
    listing_description TEXT NOT NULL DEFAULT '',
    listing_headline TEXT NOT NULL DEFAULT '',
    listing_features TEXT NOT NULL DEFAULT '[]',
    listing_provider TEXT NOT NULL DEFAULT '',
    listing_needs_review INTEGER NOT NULL DEFAULT 0,
    listing_id TEXT,
    published_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staging_project_unit_idx ON staging_project(unit_id, created_at);
CREATE INDEX staging_project_status_idx ON staging_project(status, created_at);

CREATE TABLE staging_photo (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES staging_project(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    room TEXT NOT NULL,
    original_url TEXT NOT NULL,
    staged_url TEXT NOT NULL DEFAULT '',
    thumbnail_original TEXT NOT NULL DEFAULT '',
    thumbnail_staged TEXT NOT NULL DEFAULT '',
    processing_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')),
    processing_error TEXT NOT NULL DEFAULT '',
    ai_description TEXT NOT NULL DEFAULT '',
    photo_order INTEGER NOT NULL DEFAULT 0,
    virtually_staged INTEGER NOT NULL DEFAULT 0,
    staging_label TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staging_photo_project_idx ON staging_photo(project_id, photo_order);
