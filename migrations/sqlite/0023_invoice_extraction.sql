-- Invoice AI extraction (spec 3.2): what was read off an uploaded invoice PDF, its work-order
-- match, GL code and price check, one row per invoice. Beyond the spec's columns: where the
-- extraction stands (`status`), which provider read it, the PDF (`source_document`, a blob
-- reference, so the review screen can show it beside the fields), each field's confidence and
-- place on the page (`field_sources`), why it needs a person (`review_notes`), and the invoice
-- it duplicates, if any.
CREATE TABLE invoice_ai_extraction (
    id TEXT PRIMARY KEY NOT NULL,
    invoice_id TEXT NOT NULL UNIQUE REFERENCES invoices(id) ON DELETE CASCADE,
    extracted_vendor_name TEXT NOT NULL DEFAULT '',
    extracted_invoice_number TEXT NOT NULL DEFAULT '',
    extracted_date TEXT,
    extracted_due_date TEXT,
    extracted_total TEXT,
    extracted_tax TEXT,
    extracted_subtotal TEXT,
    extracted_line_items TEXT NOT NULL DEFAULT '[]',
    matched_work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL,
    wo_match_confidence REAL,
    wo_match_reasoning TEXT NOT NULL DEFAULT '',
    suggested_gl_code TEXT NOT NULL DEFAULT '',
    gl_confidence REAL,
    price_validated INTEGER NOT NULL DEFAULT 0,
    price_anomaly_detected INTEGER NOT NULL DEFAULT 0,
    price_anomaly_details TEXT NOT NULL DEFAULT '',
    historical_avg_price TEXT,
    extraction_confidence REAL,
    extraction_model TEXT NOT NULL DEFAULT '',
    processing_time_ms INTEGER,
    raw_response TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'processing'
        CHECK (status IN ('processing', 'extracted', 'approved', 'rejected', 'failed')),
    provider TEXT NOT NULL DEFAULT '',
    source_document TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    page_count INTEGER NOT NULL DEFAULT 0,
    field_sources TEXT NOT NULL DEFAULT '{}',
    needs_review INTEGER NOT NULL DEFAULT 1,
    review_notes TEXT NOT NULL DEFAULT '[]',
    duplicate_of_invoice_id TEXT REFERENCES invoices(id) ON DELETE SET NULL,
    approved_at TEXT,
    property_id TEXT REFERENCES properties(id) ON DELETE SET NULL
);
CREATE INDEX invoice_ai_extraction_status_idx ON invoice_ai_extraction(status, created_at);

-- What approved corrections taught about a vendor's invoices: the label printed before each
-- field and the number and date styles, so the vendor's next invoice comes out right offline.
CREATE TABLE invoice_vendor_template (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_key TEXT NOT NULL UNIQUE,
    vendor_name TEXT NOT NULL,
    labels TEXT NOT NULL DEFAULT '{}',
    number_style TEXT,
    date_style TEXT,
    approvals INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
