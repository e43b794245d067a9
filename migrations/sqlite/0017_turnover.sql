-- Turnover pipeline (spec 2.1): a case per lease under notice, from notice to the next lease.
CREATE TABLE turnover_case (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT NOT NULL UNIQUE REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    stage TEXT NOT NULL DEFAULT 'notice'
        CHECK (stage IN ('notice', 'inspect', 'make_ready', 'listed', 'leased')),
    notice_date TEXT NOT NULL,
    expected_move_out TEXT NOT NULL,
    actual_move_out TEXT,
    inspection_date TEXT,
    make_ready_start TEXT,
    make_ready_complete TEXT,
    listed_date TEXT,
    leased_date TEXT,
    new_lease_id TEXT REFERENCES tenant_lease(id) ON DELETE SET NULL,
    inspection_work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL,
    security_deposit TEXT NOT NULL DEFAULT '0',
    total_deductions TEXT NOT NULL DEFAULT '0',
    refund_amount TEXT NOT NULL DEFAULT '0',
    deduction_letter_generated INTEGER NOT NULL DEFAULT 0,
    -- When the letter was generated (the property's date): checked against the 30-day deadline.
    deduction_letter_date TEXT,
    make_ready_estimated_cost TEXT NOT NULL DEFAULT '0',
    make_ready_actual_cost TEXT NOT NULL DEFAULT '0',
    days_vacant INTEGER NOT NULL DEFAULT 0,
    target_days_to_lease INTEGER NOT NULL DEFAULT 21,
    -- The day the case entered its stage (days in stage against the target).
    stage_entered TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX turnover_case_stage_idx ON turnover_case(stage, property_id);
CREATE INDEX turnover_case_move_out_idx ON turnover_case(expected_move_out);
CREATE INDEX turnover_case_unit_idx ON turnover_case(unit_id);

CREATE TABLE turnover_deduction (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES turnover_case(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    amount TEXT NOT NULL,
    photo_url TEXT NOT NULL DEFAULT '',
    ai_detected INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX turnover_deduction_case_idx ON turnover_deduction(case_id);

CREATE TABLE turnover_checklist (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES turnover_case(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    completed_by TEXT NOT NULL DEFAULT '',
    completed_at TEXT,
    estimated_cost TEXT NOT NULL DEFAULT '0',
    actual_cost TEXT NOT NULL DEFAULT '0',
    vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL
);
CREATE INDEX turnover_checklist_case_idx ON turnover_checklist(case_id, category, item);
