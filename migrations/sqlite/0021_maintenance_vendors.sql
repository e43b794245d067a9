-- Work orders as people run them: the visit's date and the tenant's rating of the job (vendor
-- scorecards read both).
ALTER TABLE units_maintenance ADD COLUMN scheduled_date TEXT;
ALTER TABLE units_maintenance ADD COLUMN tenant_rating INTEGER CHECK (tenant_rating BETWEEN 1 AND 5);

-- Predictive maintenance (spec 2.3): a risk score per unit per scoring day, with its factors.
CREATE TABLE unit_risk_score (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    score_date TEXT NOT NULL,
    risk_score REAL NOT NULL,
    risk_level TEXT NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    wo_frequency_score REAL NOT NULL DEFAULT 0,
    wo_cost_score REAL NOT NULL DEFAULT 0,
    equipment_age_score REAL NOT NULL DEFAULT 0,
    repeat_issue_score REAL NOT NULL DEFAULT 0,
    seasonal_score REAL NOT NULL DEFAULT 0,
    predicted_next_wo_date TEXT,
    predicted_next_wo_type TEXT NOT NULL DEFAULT '',
    predicted_cost_30_days TEXT NOT NULL DEFAULT '0',
    predicted_cost_90_days TEXT NOT NULL DEFAULT '0',
    wo_count_12_months INTEGER NOT NULL DEFAULT 0,
    total_cost_12_months TEXT NOT NULL DEFAULT '0',
    avg_days_between_wo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    -- Why the repeat-issue factor is what it is: the words seen 3+ times.
    repeated_keywords TEXT NOT NULL DEFAULT '[]',
    UNIQUE (unit_id, score_date)
);
CREATE INDEX unit_risk_score_property_idx ON unit_risk_score(property_id, score_date, risk_level);

CREATE TABLE preventive_wo_suggestion (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    risk_score_id TEXT NOT NULL REFERENCES unit_risk_score(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    category TEXT NOT NULL,
    estimated_cost TEXT NOT NULL,
    reasoning TEXT NOT NULL,
    suggested_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'suggested'
        CHECK (status IN ('suggested', 'approved', 'work_order_created', 'dismissed')),
    work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE
);
CREATE INDEX preventive_wo_suggestion_unit_idx ON preventive_wo_suggestion(unit_id, status);

-- Vendor intelligence (spec 5.4).
CREATE TABLE vendor_scorecard (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    period TEXT NOT NULL CHECK (period IN ('monthly', 'quarterly')),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    response_time_score REAL NOT NULL DEFAULT 0,
    first_visit_resolution_rate REAL NOT NULL DEFAULT 0,
    first_visit_score REAL NOT NULL DEFAULT 0,
    cost_accuracy_score REAL NOT NULL DEFAULT 0,
    sla_compliance_score REAL NOT NULL DEFAULT 0,
    tenant_satisfaction_score REAL NOT NULL DEFAULT 0,
    documentation_score REAL NOT NULL DEFAULT 0,
    overall_score REAL NOT NULL DEFAULT 0,
    total_jobs INTEGER NOT NULL DEFAULT 0,
    total_invoiced_usd TEXT NOT NULL DEFAULT '0',
    created_at TEXT NOT NULL,
    -- The measurements behind the six scores.
    metrics TEXT NOT NULL DEFAULT '{}',
    UNIQUE (vendor_id, period, period_start)
);

CREATE TABLE vendor_dispatch_recommendation (
    id TEXT PRIMARY KEY NOT NULL,
    work_order_id TEXT NOT NULL REFERENCES units_maintenance(id) ON DELETE CASCADE,
    recommended_vendor_id TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL DEFAULT 1,
    score REAL NOT NULL DEFAULT 0,
    reasoning TEXT NOT NULL DEFAULT '{}',
    alternatives TEXT NOT NULL DEFAULT '[]',
    warranty_check_result TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at TEXT NOT NULL,
    estimated_cost TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT 'offline'
);
CREATE INDEX vendor_dispatch_recommendation_wo_idx ON vendor_dispatch_recommendation(work_order_id, rank);

CREATE TABLE warranty_record (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    item_type TEXT NOT NULL,
    brand TEXT NOT NULL,
    model_number TEXT NOT NULL DEFAULT '',
    installed_date TEXT NOT NULL,
    warranty_end_date TEXT NOT NULL,
    warranty_vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    warranty_provider TEXT NOT NULL,
    coverage_type TEXT NOT NULL CHECK (coverage_type IN ('full', 'parts_only', 'labor_only')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'claimed')),
    claim_history TEXT NOT NULL DEFAULT '[]',
    contact TEXT NOT NULL DEFAULT ''
);
CREATE INDEX warranty_record_unit_idx ON warranty_record(unit_id, item_type);
CREATE INDEX warranty_record_status_idx ON warranty_record(status, warranty_end_date);

CREATE TABLE vendor_contract (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    contract_type TEXT NOT NULL
        CHECK (contract_type IN ('service_agreement', 'insurance_certificate', 'license', 'w9')),
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    insurance_expiry TEXT,
    license_expiry TEXT,
    auto_renew INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX vendor_contract_end_idx ON vendor_contract(end_date);

CREATE TABLE repeat_visit_alert (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    work_category TEXT NOT NULL,
    first_visit_date TEXT NOT NULL,
    first_visit_vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    repeat_visit_date TEXT NOT NULL,
    repeat_visit_vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    days_between INTEGER NOT NULL,
    resolution_status TEXT NOT NULL DEFAULT 'open'
        CHECK (resolution_status IN ('open', 'warranty_claim', 'vendor_credited', 'different_issue', 'dismissed')),
    created_at TEXT NOT NULL,
    first_work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL,
    repeat_work_order_id TEXT REFERENCES units_maintenance(id) ON DELETE SET NULL
);
CREATE INDEX repeat_visit_alert_unit_idx ON repeat_visit_alert(unit_id, repeat_visit_date);

-- One row per work category (the spec keys it by category; `id` is derived from the category so
-- the row syncs like every other).
CREATE TABLE price_benchmark (
    id TEXT PRIMARY KEY NOT NULL,
    work_category TEXT NOT NULL UNIQUE,
    average_cost_usd TEXT NOT NULL,
    median_cost_usd TEXT NOT NULL,
    min_cost_usd TEXT NOT NULL,
    max_cost_usd TEXT NOT NULL,
    sample_count INTEGER NOT NULL DEFAULT 0,
    vendor_count INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
