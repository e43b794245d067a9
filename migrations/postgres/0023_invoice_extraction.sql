-- Invoice AI extraction (spec 3.2): what was read off an uploaded invoice PDF, its work-order
-- match, GL code and price check, one row per invoice. Beyond the spec's columns: where the
-- extraction stands (`status`), which provider read it, the PDF (`source_document`, a blob
-- reference, so the review screen can show it beside the fields), each field's confidence and
-- place on the page (`field_sources`), why it needs a person (`review_notes`), and the invoice
-- it duplicates, if any.
CREATE TABLE invoice_ai_extraction (
    id UUID PRIMARY KEY,
    invoice_id UUID NOT NULL UNIQUE REFERENCES invoices(id) ON DELETE CASCADE,
    extracted_vendor_name VARCHAR(200) NOT NULL DEFAULT '',
    extracted_invoice_number VARCHAR(100) NOT NULL DEFAULT '',
    extracted_date DATE,
    extracted_due_date DATE,
    extracted_total NUMERIC(10, 2),
    extracted_tax NUMERIC(10, 2),
    extracted_subtotal NUMERIC(10, 2),
    extracted_line_items JSONB NOT NULL DEFAULT '[]',
    matched_work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL,
    wo_match_confidence DOUBLE PRECISION,
    wo_match_reasoning TEXT NOT NULL DEFAULT '',
    suggested_gl_code VARCHAR(50) NOT NULL DEFAULT '',
    gl_confidence DOUBLE PRECISION,
    price_validated BOOLEAN NOT NULL DEFAULT FALSE,
    price_anomaly_detected BOOLEAN NOT NULL DEFAULT FALSE,
    price_anomaly_details TEXT NOT NULL DEFAULT '',
    historical_avg_price NUMERIC(10, 2),
    extraction_confidence DOUBLE PRECISION,
    extraction_model VARCHAR(50) NOT NULL DEFAULT '',
    processing_time_ms INTEGER,
    raw_response JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'processing'
        CHECK (status IN ('processing', 'extracted', 'approved', 'rejected', 'failed')),
    provider VARCHAR(20) NOT NULL DEFAULT '',
    source_document TEXT NOT NULL DEFAULT '',
    file_name VARCHAR(255) NOT NULL DEFAULT '',
    page_count INTEGER NOT NULL DEFAULT 0,
    field_sources JSONB NOT NULL DEFAULT '{}',
    needs_review BOOLEAN NOT NULL DEFAULT TRUE,
    review_notes JSONB NOT NULL DEFAULT '[]',
    duplicate_of_invoice_id UUID REFERENCES invoices(id) ON DELETE SET NULL,
    approved_at TIMESTAMPTZ,
    property_id UUID REFERENCES properties(id) ON DELETE SET NULL
);
CREATE INDEX invoice_ai_extraction_status_idx ON invoice_ai_extraction(status, created_at);

-- What approved corrections taught about a vendor's invoices: the label printed before each
-- field and the number and date styles, so the vendor's next invoice comes out right offline.
CREATE TABLE invoice_vendor_template (
    id UUID PRIMARY KEY,
    vendor_key VARCHAR(200) NOT NULL UNIQUE,
    vendor_name VARCHAR(200) NOT NULL,
    labels JSONB NOT NULL DEFAULT '{}',
    number_style VARCHAR(20),
    date_style VARCHAR(20),
    approvals INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
