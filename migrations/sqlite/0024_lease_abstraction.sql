-- Lease abstraction (spec 4.3): the terms read off an uploaded lease PDF, the non-standard
-- clauses flagged and the terms missing, reviewed and applied to the lease record. Beyond the
-- spec's columns: which provider read it and where each term was printed (`field_sources`).
CREATE TABLE lease_abstraction (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id TEXT REFERENCES properties(id) ON DELETE SET NULL,
    document_url TEXT NOT NULL,
    document_name TEXT NOT NULL DEFAULT '',
    page_count INTEGER,
    status TEXT NOT NULL DEFAULT 'uploaded'
        CHECK (status IN ('uploaded', 'processing', 'extracted', 'reviewed', 'applied')),
    extracted_terms TEXT NOT NULL DEFAULT '{}',
    non_standard_clauses TEXT NOT NULL DEFAULT '[]',
    missing_terms TEXT NOT NULL DEFAULT '[]',
    extraction_confidence REAL,
    model_used TEXT NOT NULL DEFAULT '',
    processing_time_ms INTEGER,
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    applied_to_lease INTEGER NOT NULL DEFAULT 0,
    applied_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    field_sources TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX lease_abstraction_created_idx ON lease_abstraction(created_at DESC);
