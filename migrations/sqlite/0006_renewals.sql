-- Renewal intelligence (spec 1.2).
CREATE TABLE renewal_recommendation (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    churn_score REAL NOT NULL,
    churn_risk_level TEXT NOT NULL CHECK (churn_risk_level IN ('low', 'medium', 'high', 'critical')),
    churn_factors TEXT NOT NULL DEFAULT '{}',
    current_rent TEXT NOT NULL,
    market_rent TEXT NOT NULL,
    recommended_rent TEXT NOT NULL,
    rent_increase_pct REAL NOT NULL,
    rent_strategy TEXT NOT NULL,
    rent_reasoning TEXT NOT NULL,
    recommended_term_months INTEGER NOT NULL DEFAULT 12,
    recommended_lease_start TEXT NOT NULL,
    recommended_lease_end TEXT NOT NULL,
    renewal_letter_text TEXT NOT NULL DEFAULT '',
    renewal_letter_generated_at TEXT,
    letter_provider TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'sent', 'accepted', 'declined', 'expired')),
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX renewal_recommendation_lease_idx ON renewal_recommendation(lease_id, created_at DESC);
CREATE INDEX renewal_recommendation_status_idx ON renewal_recommendation(status, churn_risk_level);
CREATE INDEX renewal_recommendation_property_idx ON renewal_recommendation(property_id, status);
