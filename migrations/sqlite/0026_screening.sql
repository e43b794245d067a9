-- Tenant screening (spec 4.2): an application for a unit, its score with every factor, and the
-- decision. The date of birth and the SSN's last four are kept here only (never in lists,
-- logs or exports) and purged with the rest of the personal data after the retention period.
CREATE TABLE screening_application (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT,
    ssn_last_four TEXT NOT NULL DEFAULT '',
    employer_name TEXT NOT NULL,
    employer_phone TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    monthly_income TEXT NOT NULL,
    employment_start_date TEXT NOT NULL,
    income_verification_type TEXT NOT NULL DEFAULT '',
    previous_address TEXT NOT NULL DEFAULT '',
    previous_landlord_name TEXT NOT NULL DEFAULT '',
    previous_landlord_phone TEXT NOT NULL DEFAULT '',
    previous_rent TEXT,
    previous_lease_duration_months INTEGER,
    reason_for_leaving TEXT NOT NULL DEFAULT '',
    eviction_history INTEGER NOT NULL DEFAULT 0,
    num_occupants INTEGER NOT NULL DEFAULT 1,
    has_pets INTEGER NOT NULL DEFAULT 0,
    pet_details TEXT NOT NULL DEFAULT '',
    ai_score REAL,
    ai_recommendation TEXT NOT NULL DEFAULT '',
    ai_reasoning TEXT NOT NULL DEFAULT '',
    ai_risk_factors TEXT NOT NULL DEFAULT '[]',
    income_score REAL,
    employment_score REAL,
    rental_history_score REAL,
    credit_score_band TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'submitted'
        CHECK (status IN ('submitted', 'screening', 'scored', 'approved', 'conditionally_approved', 'denied', 'withdrawn')),
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    decision_notes TEXT NOT NULL DEFAULT '',
    documents TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX screening_application_unit_status_idx ON screening_application(unit_id, status);
CREATE INDEX screening_application_property_status_idx ON screening_application(property_id, status);
CREATE INDEX screening_application_created_idx ON screening_application(created_at DESC);
