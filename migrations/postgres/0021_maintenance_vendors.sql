-- Work orders as people run them: the visit's date and the tenant's rating of the job (vendor
-- scorecards read both).
ALTER TABLE units_maintenance ADD COLUMN scheduled_date DATE;
ALTER TABLE units_maintenance ADD COLUMN tenant_rating INTEGER CHECK (tenant_rating BETWEEN 1 AND 5);

-- Predictive maintenance (spec 2.3): a risk score per unit per scoring day, with its factors.
CREATE TABLE unit_risk_score (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    score_date DATE NOT NULL,
    risk_score DOUBLE PRECISION NOT NULL,
    risk_level VARCHAR(20) NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    wo_frequency_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    wo_cost_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    equipment_age_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    repeat_issue_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    seasonal_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    predicted_next_wo_date DATE,
    predicted_next_wo_type VARCHAR(100) NOT NULL DEFAULT '',
    predicted_cost_30_days NUMERIC(10, 2) NOT NULL DEFAULT 0,
    predicted_cost_90_days NUMERIC(10, 2) NOT NULL DEFAULT 0,
    wo_count_12_months INTEGER NOT NULL DEFAULT 0,
    total_cost_12_months NUMERIC(10, 2) NOT NULL DEFAULT 0,
    avg_days_between_wo INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    -- Why the repeat-issue factor is what it is: the words seen 3+ times.
    repeated_keywords JSONB NOT NULL DEFAULT '[]',
    UNIQUE (unit_id, score_date)
);
CREATE INDEX unit_risk_score_property_idx ON unit_risk_score(property_id, score_date, risk_level);

CREATE TABLE preventive_wo_suggestion (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    risk_score_id UUID NOT NULL REFERENCES unit_risk_score(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    description TEXT NOT NULL,
    priority VARCHAR(20) NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    category VARCHAR(50) NOT NULL,
    estimated_cost NUMERIC(10, 2) NOT NULL,
    reasoning TEXT NOT NULL,
    suggested_date DATE NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'suggested'
        CHECK (status IN ('suggested', 'approved', 'work_order_created', 'dismissed')),
    work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE
);
CREATE INDEX preventive_wo_suggestion_unit_idx ON preventive_wo_suggestion(unit_id, status);

-- Vendor intelligence (spec 5.4).
CREATE TABLE vendor_scorecard (
    id UUID PRIMARY KEY,
    vendor_id UUID NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    period VARCHAR(10) NOT NULL CHECK (period IN ('monthly', 'quarterly')),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    response_time_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    first_visit_resolution_rate DOUBLE PRECISION NOT NULL DEFAULT 0,
    first_visit_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    cost_accuracy_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    sla_compliance_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    tenant_satisfaction_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    documentation_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    overall_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    total_jobs INTEGER NOT NULL DEFAULT 0,
    total_invoiced_usd NUMERIC(12, 2) NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    -- The measurements behind the six scores.
    metrics JSONB NOT NULL DEFAULT '{}',
    UNIQUE (vendor_id, period, period_start)
);

CREATE TABLE vendor_dispatch_recommendation (
    id UUID PRIMARY KEY,
    work_order_id UUID NOT NULL REFERENCES units_maintenance(id) ON DELETE CASCADE,
    recommended_vendor_id UUID NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    rank INTEGER NOT NULL DEFAULT 1,
    score DOUBLE PRECISION NOT NULL DEFAULT 0,
    reasoning JSONB NOT NULL DEFAULT '{}',
    alternatives JSONB NOT NULL DEFAULT '[]',
    warranty_check_result JSONB NOT NULL DEFAULT '{}',
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at TIMESTAMPTZ NOT NULL,
    estimated_cost VARCHAR(40) NOT NULL DEFAULT '',
    provider VARCHAR(20) NOT NULL DEFAULT 'offline'
);
CREATE INDEX vendor_dispatch_recommendation_wo_idx ON vendor_dispatch_recommendation(work_order_id, rank);

CREATE TABLE warranty_record (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    item_type VARCHAR(100) NOT NULL,
    brand VARCHAR(100) NOT NULL,
    model_number VARCHAR(100) NOT NULL DEFAULT '',
    installed_date DATE NOT NULL,
    warranty_end_date DATE NOT NULL,
    warranty_vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    warranty_provider VARCHAR(200) NOT NULL,
    coverage_type VARCHAR(20) NOT NULL CHECK (coverage_type IN ('full', 'parts_only', 'labor_only')),
    status VARCHAR(15) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'claimed')),
    claim_history JSONB NOT NULL DEFAULT '[]',
    contact VARCHAR(100) NOT NULL DEFAULT ''
);
CREATE INDEX warranty_record_unit_idx ON warranty_record(unit_id, item_type);
CREATE INDEX warranty_record_status_idx ON warranty_record(status, warranty_end_date);

CREATE TABLE vendor_contract (
    id UUID PRIMARY KEY,
    vendor_id UUID NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    contract_type VARCHAR(50) NOT NULL
        CHECK (contract_type IN ('service_agreement', 'insurance_certificate', 'license', 'w9')),
    title VARCHAR(200) NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    insurance_expiry DATE,
    license_expiry DATE,
    auto_renew BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX vendor_contract_end_idx ON vendor_contract(end_date);

CREATE TABLE repeat_visit_alert (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    work_category VARCHAR(50) NOT NULL,
    first_visit_date DATE NOT NULL,
    first_visit_vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    repeat_visit_date DATE NOT NULL,
    repeat_visit_vendor_id UUID REFERENCES vendors(id) ON DELETE SET NULL,
    days_between INTEGER NOT NULL,
    resolution_status VARCHAR(20) NOT NULL DEFAULT 'open'
        CHECK (resolution_status IN ('open', 'warranty_claim', 'vendor_credited', 'different_issue', 'dismissed')),
    created_at TIMESTAMPTZ NOT NULL,
    first_work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL,
    repeat_work_order_id UUID REFERENCES units_maintenance(id) ON DELETE SET NULL
);
CREATE INDEX repeat_visit_alert_unit_idx ON repeat_visit_alert(unit_id, repeat_visit_date);

-- One row per work category (the spec keys it by category; `id` is derived from the category so
-- the row syncs like every other).
CREATE TABLE price_benchmark (
    id UUID PRIMARY KEY,
    work_category VARCHAR(50) NOT NULL UNIQUE,
    average_cost_usd NUMERIC(10, 2) NOT NULL,
    median_cost_usd NUMERIC(10, 2) NOT NULL,
    min_cost_usd NUMERIC(10, 2) NOT NULL,
    max_cost_usd NUMERIC(10, 2) NOT NULL,
    sample_count INTEGER NOT NULL DEFAULT 0,
    vendor_count INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
