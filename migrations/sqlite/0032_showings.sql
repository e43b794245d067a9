-- Smart showing and tour management (spec 5.2): prospects, the showings booked for them (with
-- their no-show risk and reminder flags), post-tour feedback, each property's showing hours,
-- and the nurture messages sent after a tour. Every row carries its property so it syncs by
-- property.
CREATE TABLE prospect (
    id TEXT PRIMARY KEY NOT NULL,
    listing_id TEXT REFERENCES listing(id) ON DELETE SET NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    listing_lead_id TEXT REFERENCES listing_lead(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    pre_screening TEXT NOT NULL DEFAULT '{}',
    identity_verified INTEGER NOT NULL DEFAULT 0,
    id_document_url TEXT NOT NULL DEFAULT '',
    selfie_url TEXT NOT NULL DEFAULT '',
    verification_method TEXT NOT NULL DEFAULT '',
    lead_score INTEGER NOT NULL DEFAULT 0,
    lead_grade TEXT NOT NULL DEFAULT '',
    nurture_stage TEXT NOT NULL DEFAULT 'new'
        CHECK (nurture_stage IN ('new', 'engaged', 'touring', 'applied', 'lost')),
    converted_to_application TEXT REFERENCES screening_application(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX prospect_email_idx ON prospect(email);
CREATE INDEX prospect_stage_idx ON prospect(nurture_stage, lead_score);

CREATE TABLE showing (
    id TEXT PRIMARY KEY NOT NULL,
    listing_id TEXT NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    prospect_id TEXT NOT NULL REFERENCES prospect(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    showing_type TEXT NOT NULL CHECK (showing_type IN ('guided', 'self_guided', 'virtual')),
    scheduled_at TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL DEFAULT 60,
    access_code TEXT NOT NULL DEFAULT '',
    access_code_expires_at TEXT,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'confirmed', 'in_progress', 'completed', 'no_show', 'cancelled')),
    no_show_risk_score REAL NOT NULL DEFAULT 0.0,
    no_show_risk_factors TEXT NOT NULL DEFAULT '[]',
    reminder_24h_sent INTEGER NOT NULL DEFAULT 0,
    reminder_2h_sent INTEGER NOT NULL DEFAULT 0,
    reminder_30m_sent INTEGER NOT NULL DEFAULT 0,
    conversion_outcome TEXT NOT NULL DEFAULT ''
        CHECK (conversion_outcome IN ('', 'applied', 'not_interested', 'still_considering', 'no_response')),
    confirmed_at TEXT,
    completed_at TEXT,
    cancelled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX showing_listing_status_idx ON showing(listing_id, status);
CREATE INDEX showing_scheduled_idx ON showing(scheduled_at);
CREATE INDEX showing_prospect_idx ON showing(prospect_id, scheduled_at DESC);

CREATE TABLE showing_feedback (
    id TEXT PRIMARY KEY NOT NULL,
    showing_id TEXT NOT NULL UNIQUE REFERENCES showing(id) ON DELETE CASCADE,
    listing_id TEXT NOT NULL REFERENCES listing(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    overall_rating INTEGER NOT NULL CHECK (overall_rating BETWEEN 1 AND 5),
    liked TEXT NOT NULL DEFAULT '[]',
    disliked TEXT NOT NULL DEFAULT '[]',
    comments TEXT NOT NULL DEFAULT '',
    sentiment_score REAL NOT NULL DEFAULT 0.0,
    key_themes TEXT NOT NULL DEFAULT '[]',
    would_apply INTEGER,
    price_perception TEXT NOT NULL DEFAULT ''
        CHECK (price_perception IN ('', 'great_value', 'fair', 'too_high')),
    analysis TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX showing_feedback_listing_idx ON showing_feedback(listing_id);

CREATE TABLE showing_slot_config (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    day_of_week INTEGER NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    max_per_day INTEGER NOT NULL DEFAULT 8,
    slot_duration_minutes INTEGER NOT NULL DEFAULT 60,
    is_self_guided_allowed INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    UNIQUE (property_id, day_of_week)
);

CREATE TABLE nurture_message (
    id TEXT PRIMARY KEY NOT NULL,
    prospect_id TEXT NOT NULL REFERENCES prospect(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    showing_id TEXT REFERENCES showing(id) ON DELETE SET NULL,
    message_type TEXT NOT NULL
        CHECK (message_type IN ('interest_followup', 'urgency', 'price_drop', 'similar_unit')),
    subject TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms')),
    provider TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    opened_at TEXT,
    clicked_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (prospect_id, message_type)
);
CREATE INDEX nurture_message_prospect_idx ON nurture_message(prospect_id, created_at DESC);
