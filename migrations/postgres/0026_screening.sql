-- Tenant screening (spec 4.2): an application for a unit, its score with every factor, and the
-- decision. The date of birth and the SSN's last four are kept here only (never in lists,
-- logs or exports) and purged with the rest of the personal data after the retention period.
CREATE TABLE screening_application (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    email VARCHAR(254) NOT NULL,
    phone VARCHAR(20) NOT NULL DEFAULT '',
    date_of_birth DATE,
    ssn_last_four VARCHAR(4) NOT NULL DEFAULT '',
    employer_name VARCHAR(200) NOT NULL,
    employer_phone VARCHAR(20) NOT NULL DEFAULT '',
    job_title VARCHAR(100) NOT NULL DEFAULT '',
    monthly_income NUMERIC(10, 2) NOT NULL,
    employment_start_date DATE NOT NULL,
    income_verification_type VARCHAR(50) NOT NULL DEFAULT '',
    previous_address TEXT NOT NULL DEFAULT '',
    previous_landlord_name VARCHAR(200) NOT NULL DEFAULT '',
    previous_landlord_phone VARCHAR(20) NOT NULL DEFAULT '',
    previous_rent NUMERIC(10, 2),
    previous_lease_duration_months INTEGER,
    reason_for_leaving TEXT NOT NULL DEFAULT '',
    eviction_history BOOLEAN NOT NULL DEFAULT FALSE,
    num_occupants INTEGER NOT NULL DEFAULT 1,
    has_pets BOOLEAN NOT NULL DEFAULT FALSE,
    pet_details TEXT NOT NULL DEFAULT '',
    ai_score DOUBLE PRECISION,
    ai_recommendation VARCHAR(20) NOT NULL DEFAULT '',
    ai_reasoning TEXT NOT NULL DEFAULT '',
    ai_risk_factors JSONB NOT NULL DEFAULT '[]',
    income_score DOUBLE PRECISION,
    employment_score DOUBLE PRECISION,
    rental_history_score DOUBLE PRECISION,
    credit_score_band VARCHAR(20) NOT NULL DEFAULT '',
    status VARCHAR(25) NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'screening', 'scored', 'approved', 'conditionally_approved', 'denied', 'withdrawn')),
    reviewed_by VARCHAR(100) NOT NULL DEFAULT '',
    reviewed_at TIMESTAMPTZ,
    decision_notes TEXT NOT NULL DEFAULT '',
    documents JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX screening_application_unit_status_idx ON screening_application(unit_id, status);
CREATE INDEX screening_application_property_status_idx ON screening_application(property_id, status);
CREATE INDEX screening_application_created_idx ON screening_application(created_at DESC);
