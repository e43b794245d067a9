-- Smart showing and tour management (spec 5.2): prospects, the showings booked for them (with
-- their no-show risk and reminder flags), post-tour feedback, each property's showing hours,
-- and the nurture messages sent after a tour. Every row carries its property so it syncs by
-- property.
CREATE TABLE prospect (
    id UUID PRIMARY KEY,
    listing_id UUID REFERENCES listing(id) ON DELETE SET NULL,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    listing_lead_id UUID REFERENCES listing_lead(id) ON DELETE SET NULL,
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254) NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    pre_screening JSONB NOT NULL DEFAULT '{}',
    identity_verified BOOLEAN NOT NULL DEFAULT FALSE,
    id_document_url VARCHAR(500) NOT NULL DEFAULT '',
    selfie_url VARCHAR(500) NOT NULL DEFAULT '',
    verification_method TEXT NOT NULL DEFAULT '',
    lead_score INTEGER NOT NULL DEFAULT 0,
    lead_grade TEXT NOT NULL DEFAULT '',
    nurture_stage TEXT NOT NULL DEFAULT 'new'
        CHECK (nurture_stage IN ('new', 'engaged', 'touring', 'applied', 'lost')),
    converted_to_application UUID REFERENCES screening_application(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX prospect_email_idx ON prospect(email);
CREATE INDEX prospect_stage_idx ON prospect(nurture_stage, lead_score);

CREATE TABLE showing (
    id UUID PRIMARY KEY,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    prospect_id UUID NOT NULL REFERENCES prospect(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    showing_type TEXT NOT NULL CHECK (showing_type IN ('guided', 'self_guided', 'virtual')),
    scheduled_at TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL DEFAULT 60,
    access_code VARCHAR(8) NOT NULL DEFAULT '',
    access_code_expires_at TIMESTAMPTZ,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'confirmed', 'in_progress', 'completed', 'no_show', 'cancelled')),
    no_show_risk_score DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    no_show_risk_factors JSONB NOT NULL DEFAULT '[]',
    reminder_24h_sent BOOLEAN NOT NULL DEFAULT FALSE,
    reminder_2h_sent BOOLEAN NOT NULL DEFAULT FALSE,
    reminder_30m_sent BOOLEAN NOT NULL DEFAULT FALSE,
    conversion_outcome TEXT NOT NULL DEFAULT ''
        CHECK (conversion_outcome IN ('', 'applied', 'not_interested', 'still_considering', 'no_response')),
    confirmed_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX showing_listing_status_idx ON showing(listing_id, status);
CREATE INDEX showing_scheduled_idx ON showing(scheduled_at);
CREATE INDEX showing_prospect_idx ON showing(prospect_id, scheduled_at DESC);

CREATE TABLE showing_feedback (
    id UUID PRIMARY KEY,
    showing_id UUID NOT NULL UNIQUE REFERENCES showing(id) ON DELETE CASCADE,
    listing_id UUID NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    overall_rating INTEGER NOT NULL CHECK (overall_rating BETWEEN 1 AND 5),
    liked JSONB NOT NULL DEFAULT '[]',
    disliked JSONB NOT NULL DEFAULT '[]',
    comments TEXT NOT NULL DEFAULT '',
    sentiment_score DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    key_themes JSONB NOT NULL DEFAULT '[]',
    would_apply BOOLEAN,
    price_perception TEXT NOT NULL DEFAULT ''
        CHECK (price_perception IN ('', 'great_value', 'fair', 'too_high')),
    analysis JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX showing_feedback_listing_idx ON showing_feedback(listing_id);

CREATE TABLE showing_slot_config (
    id UUID PRIMARY KEY,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    day_of_week INTEGER NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    max_per_day INTEGER NOT NULL DEFAULT 8,
    slot_duration_minutes INTEGER NOT NULL DEFAULT 60,
    is_self_guided_allowed BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (property_id, day_of_week)
);

CREATE TABLE nurture_message (
    id UUID PRIMARY KEY,
    prospect_id UUID NOT NULL REFERENCES prospect(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    showing_id UUID REFERENCES showing(id) ON DELETE SET NULL,
    message_type TEXT NOT NULL
        CHECK (message_type IN ('interest_followup', 'urgency', 'price_drop', 'similar_unit')),
    subject TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms')),
    provider TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMPTZ,
    opened_at TIMESTAMPTZ,
    clicked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (prospect_id, message_type)
);
CREATE INDEX nurture_message_prospect_idx ON nurture_message(prospect_id, created_at DESC);
