-- AI listing syndication (spec 5.1): a listing of a unit published to rental platforms, its
-- per-platform syndication records, the unified lead inbox (each lead scored with its factors),
-- daily analytics per listing per platform, and the competing listings priced against it.
-- Every row carries its property so it syncs by property.
CREATE TABLE listing (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    turnover_case_id UUID REFERENCES turnover_case(id) ON DELETE SET NULL,
    staging_project_id UUID,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'delisted')),
    asking_rent NUMERIC(10,2) NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    photos JSONB NOT NULL DEFAULT '[]',
    amenities JSONB NOT NULL DEFAULT '[]',
    pet_policy TEXT NOT NULL DEFAULT '',
    parking TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    delisted_at TIMESTAMPTZ,
    total_views INTEGER NOT NULL DEFAULT 0,
    total_inquiries INTEGER NOT NULL DEFAULT 0,
    days_on_market INTEGER NOT NULL DEFAULT 0,
    is_stale BOOLEAN NOT NULL DEFAULT FALSE,
    last_price_check JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX listing_status_created_idx ON listing(status, created_at DESC);
CREATE INDEX listing_property_status_idx ON listing(property_id, status);
CREATE INDEX listing_unit_idx ON listing(unit_id);

CREATE TABLE listing_platform (
    id UUID PRIMARY KEY,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    platform_name TEXT NOT NULL CHECK (platform_name IN ('zillow', 'apartments_com', 'zumper', 'facebook',
        'craigslist', 'realtor_com', 'hotpads', 'trulia', 'rent_com')),
    platform_listing_url TEXT,
    syndication_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (syndication_status IN ('pending', 'active', 'failed', 'delisted')),
    platform_specific_content JSONB NOT NULL DEFAULT '{}',
    last_error TEXT NOT NULL DEFAULT '',
    last_synced_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (listing_id, platform_name)
);

CREATE TABLE listing_lead (
    id UUID PRIMARY KEY,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    source_platform TEXT NOT NULL,
    prospect_name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    move_in_date DATE,
    stated_income NUMERIC(10,2),
    lead_score INTEGER NOT NULL DEFAULT 0,
    lead_grade TEXT NOT NULL DEFAULT 'C' CHECK (lead_grade IN ('A', 'B', 'C', 'D')),
    qualification_factors JSONB NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'touring', 'applied', 'closed')),
    ai_suggested_response TEXT NOT NULL DEFAULT '',
    scored_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX listing_lead_listing_status_idx ON listing_lead(listing_id, status);
CREATE INDEX listing_lead_grade_created_idx ON listing_lead(lead_grade, created_at DESC);

CREATE TABLE listing_analytics (
    id UUID PRIMARY KEY,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    platform_id UUID NOT NULL REFERENCES listing_platform(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    inquiries INTEGER NOT NULL DEFAULT 0,
    favorites INTEGER NOT NULL DEFAULT 0,
    applications INTEGER NOT NULL DEFAULT 0,
    conversion_rate DOUBLE PRECISION NOT NULL DEFAULT 0,
    UNIQUE (listing_id, platform_id, date)
);
CREATE INDEX listing_analytics_date_idx ON listing_analytics(listing_id, date DESC);

CREATE TABLE competing_listing (
    id UUID PRIMARY KEY,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    competitor_address TEXT NOT NULL,
    competitor_rent NUMERIC(10,2) NOT NULL,
    competitor_bedrooms INTEGER NOT NULL,
    competitor_sqft INTEGER,
    competitor_amenities JSONB NOT NULL DEFAULT '[]',
    price_diff_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
    feature_advantages JSONB NOT NULL DEFAULT '[]',
    scraped_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX competing_listing_listing_idx ON competing_listing(listing_id, price_diff_pct);
