-- Renewal intelligence (spec 1.2).
CREATE TABLE renewal_recommendation (
    id UUID PRIMARY KEY,
    lease_id UUID NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    churn_score DOUBLE PRECISION NOT NULL,
    churn_risk_level VARCHAR(20) NOT NULL CHECK (churn_risk_level IN ('low', 'medium', 'high', 'critical')),
    churn_factors JSONB NOT NULL DEFAULT '{}',
    current_rent NUMERIC(10, 2) NOT NULL,
    market_rent NUMERIC(10, 2) NOT NULL,
    recommended_rent NUMERIC(10, 2) NOT NULL,
    rent_increase_pct DOUBLE PRECISION NOT NULL,
    rent_strategy VARCHAR(30) NOT NULL,
    rent_reasoning TEXT NOT NULL,
    recommended_term_months INTEGER NOT NULL DEFAULT 12,
    recommended_lease_start DATE NOT NULL,
    recommended_lease_end DATE NOT NULL,
    renewal_letter_text TEXT NOT NULL DEFAULT '',
    renewal_letter_generated_at TIMESTAMPTZ,
    letter_provider VARCHAR(30) NOT NULL DEFAULT '',
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'sent', 'accepted', 'declined', 'expired')),
    reviewed_by VARCHAR(100) NOT NULL DEFAULT '',
    reviewed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX renewal_recommendation_lease_idx ON renewal_recommendation(lease_id, created_at DESC);
CREATE INDEX renewal_recommendation_status_idx ON renewal_recommendation(status, churn_risk_level);
CREATE INDEX renewal_recommendation_property_idx ON renewal_recommendation(property_id, status);
