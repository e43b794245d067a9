-- Virtual staging (spec 4.1): a project per unit and style, and its photos (the empty-room
-- original, the staged or enhanced version, their thumbnails). Both carry their property so they
-- sync by property. A photo is labelled "virtually staged" only when a staging service
-- furnished it; otherwise it is "enhanced, not staged".
CREATE TABLE staging_project (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    style VARCHAR(30) NOT NULL DEFAULT 'modern'
        CHECK (style IN ('modern', 'traditional', 'minimalist', 'industrial', 'scandinavian')),
    status VARCHAR(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'processing', 'completed', 'published')),
    listing_description TEXT NOT NULL DEFAULT '',
    listing_headline VARCHAR(200) NOT NULL DEFAULT '',
    listing_features JSONB NOT NULL DEFAULT '[]',
    listing_provider VARCHAR(30) NOT NULL DEFAULT '',
    listing_needs_review BOOLEAN NOT NULL DEFAULT FALSE,
    listing_id UUID,
    published_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staging_project_unit_idx ON staging_project(unit_id, created_at);
CREATE INDEX staging_project_status_idx ON staging_project(status, created_at);

CREATE TABLE staging_photo (
    id UUID PRIMARY KEY,
    project_id UUID NOT NULL REFERENCES staging_project(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    room VARCHAR(50) NOT NULL,
    original_url VARCHAR(500) NOT NULL,
    staged_url VARCHAR(500) NOT NULL DEFAULT '',
    thumbnail_original VARCHAR(500) NOT NULL DEFAULT '',
    thumbnail_staged VARCHAR(500) NOT NULL DEFAULT '',
    processing_status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')),
    processing_error TEXT NOT NULL DEFAULT '',
    ai_description TEXT NOT NULL DEFAULT '',
    photo_order INTEGER NOT NULL DEFAULT 0,
    virtually_staged BOOLEAN NOT NULL DEFAULT FALSE,
    staging_label VARCHAR(30) NOT NULL DEFAULT '',
    provider VARCHAR(100) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staging_photo_project_idx ON staging_photo(project_id, photo_order);
