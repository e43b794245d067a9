-- When the post-tour feedback survey went to the prospect (the spec's
-- showings.send_feedback_surveys sends one per showing), and each listing's latest competitor
-- analysis (syndication.scan_competing_listings, the spec's COMPETITOR_ANALYSIS_PROMPT answer).
ALTER TABLE showing ADD COLUMN feedback_survey_sent_at TIMESTAMPTZ;
ALTER TABLE listing ADD COLUMN competitor_analysis JSONB NOT NULL DEFAULT '{}';
