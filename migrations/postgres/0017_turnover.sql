-- Turnover pipeline (spec 2.1): a case per lease under notice, from notice to the next lease.
CREATE TABLE turnover_case (
    id UUID PRIMARY KEY,
    lease_id UUID NOT NULL UNIQUE REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    stage VARCHAR(20) NOT NULL DEFAULT 'notice'
        CHECK (stage IN ('notice', 'inspect', 'make_ready', 'listed', 'leased')),
    notice_date DATE NOT NULL,
    expected_move_out DATE NOT NULL,
    actual_move_out DATE,
    inspection_date DATE,
    make_ready_start DATE,
    make_ready_complete DATE,
    listed_date DATE,
    leased_date DATE,
    new_lease_id UUID REFERENCES tenant_lease(id) ON DELETE SET NULL,
    inspection_work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL,
    security_deposit NUMERIC(10, 2) NOT NULL DEFAULT 0,
    total_deductions NUMERIC(10, 2) NOT NULL DEFAULT 0,
    refund_amount NUMERIC(10, 2) NOT NULL DEFAULT 0,
    deduction_letter_generated BOOLEAN NOT NULL DEFAULT FALSE,
    -- When the letter was generated (the property's date): checked against the 30-day deadline.
    deduction_letter_date DATE,
    make_ready_estimated_cost NUMERIC(10, 2) NOT NULL DEFAULT 0,
    make_ready_actual_cost NUMERIC(10, 2) NOT NULL DEFAULT 0,
    days_vacant INTEGER NOT NULL DEFAULT 0,
    target_days_to_lease INTEGER NOT NULL DEFAULT 21,
    -- The day the case entered its stage (days in stage against the target).
    stage_entered DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX turnover_case_stage_idx ON turnover_case(stage, property_id);
CREATE INDEX turnover_case_move_out_idx ON turnover_case(expected_move_out);
CREATE INDEX turnover_case_unit_idx ON turnover_case(unit_id);

CREATE TABLE turnover_deduction (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES turnover_case(id) ON DELETE CASCADE,
    category VARCHAR(50) NOT NULL,
    description VARCHAR(200) NOT NULL,
    amount NUMERIC(10, 2) NOT NULL,
    photo_url VARCHAR(500) NOT NULL DEFAULT '',
    ai_detected BOOLEAN NOT NULL DEFAULT FALSE,
    approved BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX turnover_deduction_case_idx ON turnover_deduction(case_id);

CREATE TABLE turnover_checklist (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES turnover_case(id) ON DELETE CASCADE,
    category VARCHAR(50) NOT NULL,
    item VARCHAR(200) NOT NULL,
    completed BOOLEAN NOT NULL DEFAULT FALSE,
    completed_by VARCHAR(100) NOT NULL DEFAULT '',
    completed_at TIMESTAMPTZ,
    estimated_cost NUMERIC(8, 2) NOT NULL DEFAULT 0,
    actual_cost NUMERIC(8, 2) NOT NULL DEFAULT 0,
    vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL
);
CREATE INDEX turnover_checklist_case_idx ON turnover_checklist(case_id, category, item);
