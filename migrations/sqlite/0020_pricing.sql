-- Dynamic pricing (spec 2.2): one snapshot per unit per day, and the comps each one used.
CREATE TABLE pricing_snapshot (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    snapshot_date TEXT NOT NULL,
    current_rent TEXT,
    market_rent TEXT NOT NULL,
    recommended_rent TEXT NOT NULL,
    rent_per_sqft TEXT,
    market_rent_per_sqft TEXT,
    rent_gap_amount TEXT NOT NULL DEFAULT '0',
    rent_gap_pct REAL NOT NULL DEFAULT 0,
    days_vacant INTEGER NOT NULL DEFAULT 0,
    seasonal_factor REAL NOT NULL DEFAULT 1.0,
    demand_score REAL NOT NULL DEFAULT 0.5,
    comp_count INTEGER NOT NULL DEFAULT 0,
    confidence_score REAL NOT NULL DEFAULT 0.5,
    pricing_strategy TEXT NOT NULL DEFAULT 'market'
        CHECK (pricing_strategy IN ('aggressive', 'market', 'conservative', 'lease_up', 'premium')),
    created_at TEXT NOT NULL,
    -- The estimate's factors beside it: where it came from and why.
    basis TEXT NOT NULL DEFAULT 'internal',
    reason TEXT NOT NULL DEFAULT '',
    size_adjustment REAL NOT NULL DEFAULT 1.0,
    vacancy_discount REAL NOT NULL DEFAULT 0,
    UNIQUE (unit_id, snapshot_date)
);
CREATE INDEX pricing_snapshot_property_idx ON pricing_snapshot(property_id, snapshot_date);
CREATE INDEX pricing_snapshot_date_idx ON pricing_snapshot(snapshot_date);

CREATE TABLE pricing_market_comp (
    id TEXT PRIMARY KEY NOT NULL,
    snapshot_id TEXT NOT NULL REFERENCES pricing_snapshot(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    address TEXT NOT NULL,
    bedrooms INTEGER NOT NULL,
    bathrooms TEXT NOT NULL,
    square_feet INTEGER,
    rent TEXT NOT NULL,
    distance_miles REAL,
    similarity_score REAL NOT NULL
);
CREATE INDEX pricing_market_comp_snapshot_idx ON pricing_market_comp(snapshot_id);

-- Comps from outside the portfolio: public listings or the manager's own data, from a CSV.
CREATE TABLE pricing_external_comp (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    address TEXT NOT NULL,
    bedrooms INTEGER NOT NULL,
    bathrooms TEXT NOT NULL,
    square_feet INTEGER,
    rent TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX pricing_external_comp_property_idx ON pricing_external_comp(property_id, observed_on);
