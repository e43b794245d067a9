-- Dynamic pricing (spec 2.2): one snapshot per unit per day, and the comps each one used.
CREATE TABLE pricing_snapshot (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    snapshot_date DATE NOT NULL,
    current_rent NUMERIC(10, 2),
    market_rent NUMERIC(10, 2) NOT NULL,
    recommended_rent NUMERIC(10, 2) NOT NULL,
    rent_per_sqft NUMERIC(6, 2),
    market_rent_per_sqft NUMERIC(6, 2),
    rent_gap_amount NUMERIC(10, 2) NOT NULL DEFAULT 0,
    rent_gap_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
    days_vacant INTEGER NOT NULL DEFAULT 0,
    seasonal_factor DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    demand_score DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    comp_count INTEGER NOT NULL DEFAULT 0,
    confidence_score DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    pricing_strategy VARCHAR(30) NOT NULL DEFAULT 'market'
        CHECK (pricing_strategy IN ('aggressive', 'market', 'conservative', 'lease_up', 'premium')),
    created_at TIMESTAMPTZ NOT NULL,
    -- The estimate's factors beside it: where it came from and why.
    basis VARCHAR(20) NOT NULL DEFAULT 'internal',
    reason TEXT NOT NULL DEFAULT '',
    size_adjustment DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    vacancy_discount DOUBLE PRECISION NOT NULL DEFAULT 0,
    UNIQUE (unit_id, snapshot_date)
);
CREATE INDEX pricing_snapshot_property_idx ON pricing_snapshot(property_id, snapshot_date);
CREATE INDEX pricing_snapshot_date_idx ON pricing_snapshot(snapshot_date);

CREATE TABLE pricing_market_comp (
    id UUID PRIMARY KEY,
    snapshot_id UUID NOT NULL REFERENCES pricing_snapshot(id) ON DELETE CASCADE,
    source VARCHAR(50) NOT NULL,
    address VARCHAR(300) NOT NULL,
    bedrooms INTEGER NOT NULL,
    bathrooms NUMERIC(3, 1) NOT NULL,
    square_feet INTEGER,
    rent NUMERIC(10, 2) NOT NULL,
    distance_miles DOUBLE PRECISION,
    similarity_score DOUBLE PRECISION NOT NULL
);
CREATE INDEX pricing_market_comp_snapshot_idx ON pricing_market_comp(snapshot_id);

-- Comps from outside the portfolio: public listings or the manager's own data, from a CSV.
CREATE TABLE pricing_external_comp (
    id UUID PRIMARY KEY,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    source VARCHAR(50) NOT NULL,
    address VARCHAR(300) NOT NULL,
    bedrooms INTEGER NOT NULL,
    bathrooms NUMERIC(3, 1) NOT NULL,
    square_feet INTEGER,
    rent NUMERIC(10, 2) NOT NULL,
    observed_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX pricing_external_comp_property_idx ON pricing_external_comp(property_id, observed_on);
