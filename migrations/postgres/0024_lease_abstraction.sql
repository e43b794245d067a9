-- Lease abstraction (spec 4.3): the terms read off an uploaded lease PDF, the non-standard
-- clauses flagged and the terms missing, reviewed and applied to the lease record. Beyond the
-- spec's columns: which provider read it and where each term was printed (`field_sources`).
CREATE TABLE lease_abstraction (
    id UUID PRIMARY KEY,
    lease_id UUID REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id UUID REFERENCES properties(id) ON DELETE SET NULL,
    document_url VARCHAR(500) NOT NULL,
    document_name VARCHAR(200) NOT NULL DEFAULT '',
    page_count INTEGER,
    status VARCHAR(20) NOT NULL DEFAULT 'uploaded'
        CHECK (status IN ('uploaded', 'processing', 'extracted', 'reviewed', 'applied')),
    extracted_terms JSONB NOT NULL DEFAULT '{}',
    non_standard_clauses JSONB NOT NULL DEFAULT '[]',
    missing_terms JSONB NOT NULL DEFAULT '[]',
    extraction_confidence DOUBLE PRECISION,
    model_used VARCHAR(50) NOT NULL DEFAULT '',
    processing_time_ms INTEGER,
    reviewed_by VARCHAR(100) NOT NULL DEFAULT '',
    reviewed_at TIMESTAMPTZ,
    applied_to_lease BOOLEAN NOT NULL DEFAULT FALSE,
    applied_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    provider VARCHAR(20) NOT NULL DEFAULT '',
    field_sources JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX lease_abstraction_created_idx ON lease_abstraction(created_at DESC);
