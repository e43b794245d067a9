//! The spec's 5.2 rules as examples: the no-show factors and thresholds, slots and booking
//! refusals, access codes, reminder windows, feedback themes and the funnel.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::access;
use super::feedback::{self, FeedbackInput};
use super::funnel::funnel;
use super::model::{LeadRef, Prospect, Showing, ShowingFeedback, ShowingSlotConfig, Theme};
use super::nurture;
use super::reminders::{due, Reminder};
use super::risk::{level, no_show_risk, RiskInput, NO_SHOW_PREDICTION_FACTORS};
use super::slots::{check_booking, day_slots, Booking, Refusal};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn showing(listing: u128, start: &str, status: &str) -> Showing {
    Showing {
        id: Uuid::new_v4(),
        listing_id: id(listing),
        prospect_id: id(50),
        property_id: id(1),
        unit_id: None,
        showing_type: "guided".into(),
        scheduled_at: at(start),
        duration_minutes: 60,
        access_code: String::new(),
        access_code_expires_at: None,
        status: status.into(),
        no_show_risk_score: 0.0,
        no_show_risk_factors: json!([]),
        reminder_24h_sent: false,
        reminder_2h_sent: false,
        reminder_30m_sent: false,
        conversion_outcome: String::new(),
        confirmed_at: None,
        completed_at: None,
        cancelled_at: None,
        feedback_survey_sent_at: None,
        created_at: at("2026-03-20T12:00:00Z"),
        updated_at: at("2026-03-20T12:00:00Z"),
    }
}

fn prospect(verified: bool) -> Prospect {
    Prospect {
        id: id(50),
        listing_id: Some(id(10)),
        property_id: id(1),
        listing_lead_id: None,
        name: "Dana Reyes".into(),
        email: "dana@example.com".into(),
        phone: String::new(),
        pre_screening: json!({}),
        identity_verified: verified,
        id_document_url: String::new(),
        selfie_url: String::new(),
        verification_method: String::new(),
        lead_score: 0,
        lead_grade: String::new(),
        nurture_stage: "touring".into(),
        converted_to_application: None,
        created_at: at("2026-03-20T12:00:00Z"),
        updated_at: at("2026-03-20T12:00:00Z"),
    }
}

// ── no-show risk ──

#[test]
fn the_weights_are_the_specs_and_sum_to_one() {
    let names: Vec<&str> = NO_SHOW_PREDICTION_FACTORS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        ["historical_attendance", "engagement_signals", "distance_estimate", "response_speed", "lead_quality"]
    );
    let total: f64 = NO_SHOW_PREDICTION_FACTORS.iter().map(|(_, w)| w).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn risk_is_the_weighted_sum_of_the_factors_and_shows_them() {
    // Always attended, confirmed and verified, 10 miles, booked within a day, grade A.
    let r = no_show_risk(&RiskInput {
        past_completed: 2,
        past_no_shows: 0,
        confirmed: true,
        identity_verified: true,
        opened_nurture: false,
        distance_miles: Some(10.0),
        inquiry_at: Some(at("2026-03-20T10:00:00Z")),
        booked_at: Some(at("2026-03-20T18:00:00Z")),
        lead_grade: "A".into(),
        lead_score: 90,
    });
    // 0.30×0 + 0.25×0.2 + 0.15×0.2 + 0.15×0 + 0.15×0 = 0.08
    assert_eq!(r.score, 0.08);
    assert_eq!(r.level, "low");
    assert_eq!(r.factors.len(), 5);
    assert_eq!(r.factors[2].value, 0.2);
    let sum: f64 = r.factors.iter().map(|f| f.contribution).sum();
    assert!((sum - r.score).abs() < 1e-9);
}

#[test]
fn an_unknown_distance_and_history_count_as_neutral_half() {
    let r = no_show_risk(&RiskInput { lead_grade: "D".into(), ..RiskInput::default() });
    // 0.30×0.5 + 0.25×1.0 + 0.15×0.5 + 0.15×0.5 + 0.15×1.0 = 0.70
    assert_eq!(r.score, 0.7);
    assert_eq!(r.level, "high");
    assert!(r.factors[2].detail.contains("unknown"));
}

#[test]
fn the_thresholds_are_low_below_a_fifth_medium_below_a_half_and_high_from_a_half() {
    assert_eq!(level(0.0), "low");
    assert_eq!(level(0.199), "low");
    assert_eq!(level(0.2), "medium");
    assert_eq!(level(0.499), "medium");
    assert_eq!(level(0.5), "high");
    assert_eq!(level(1.0), "high");
}

#[test]
fn a_slow_response_and_past_no_shows_raise_the_risk() {
    let fast = no_show_risk(&RiskInput {
        inquiry_at: Some(at("2026-03-01T00:00:00Z")),
        booked_at: Some(at("2026-03-01T12:00:00Z")),
        ..RiskInput::default()
    });
    let slow = no_show_risk(&RiskInput {
        inquiry_at: Some(at("2026-03-01T00:00:00Z")),
        booked_at: Some(at("2026-03-10T00:00:00Z")),
        past_no_shows: 2,
        ..RiskInput::default()
    });
    assert_eq!(fast.factors[3].value, 0.0);
    assert_eq!(slow.factors[3].value, 1.0);
    assert_eq!(slow.factors[0].value, 1.0);
    assert!(slow.score > fast.score);
}

// ── slots and booking ──

fn config(dow: i32, start: u32, end: u32, max: i32) -> ShowingSlotConfig {
    ShowingSlotConfig {
        id: Uuid::new_v4(),
        property_id: id(1),
        day_of_week: dow,
        start_time: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
        end_time: NaiveTime::from_hms_opt(end, 0, 0).unwrap(),
        max_per_day: max,
        slot_duration_minutes: 60,
        is_self_guided_allowed: false,
        updated_at: at("2026-03-01T00:00:00Z"),
    }
}

const NOW: &str = "2026-03-25T08:00:00Z";

fn book<'a>(configs: &'a [ShowingSlotConfig], showings: &'a [Showing], t: &'a str, when: &str) -> Booking<'a> {
    Booking {
        property_id: id(1),
        listing_id: id(10),
        showing_type: t,
        scheduled_at: at(when),
        zone: chrono_tz::UTC,
        configs,
        showings,
        now: at(NOW),
    }
}

#[test]
fn a_days_slots_come_from_its_hours_minus_what_is_booked() {
    // 2026-03-28 is a Saturday (day 5).
    let configs = [config(5, 10, 14, 8)];
    let booked = [showing(10, "2026-03-28T11:00:00Z", "confirmed"), showing(10, "2026-03-28T12:00:00Z", "cancelled")];
    let d = day_slots(&configs, id(1), chrono_tz::UTC, NaiveDate::from_ymd_opt(2026, 3, 28).unwrap(), &booked, at(NOW));
    let times: Vec<(&str, bool)> = d.slots.iter().map(|s| (s.local_time.as_str(), s.available)).collect();
    assert_eq!(times, [("10:00", true), ("11:00", false), ("12:00", true), ("13:00", true)]);
    assert_eq!((d.max_per_day, d.booked_today, d.remaining_today), (8, 1, 7));
    // Sunday has no row: closed.
    let sunday =
        day_slots(&configs, id(1), chrono_tz::UTC, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), &[], at(NOW));
    assert!(!sunday.open && sunday.slots.is_empty());
}

#[test]
fn a_property_without_hours_gets_the_default_monday_to_saturday_nine_to_six() {
    let d = day_slots(&[], id(1), chrono_tz::UTC, NaiveDate::from_ymd_opt(2026, 3, 26).unwrap(), &[], at(NOW));
    assert!(d.default_hours && d.open);
    assert_eq!(d.slots.len(), 9);
    assert_eq!(d.max_per_day, 8);
}

#[test]
fn booking_refuses_an_overlapping_time_for_the_same_listing_as_a_conflict() {
    let configs = [config(5, 10, 14, 8)];
    let booked = [showing(10, "2026-03-28T11:00:00Z", "scheduled")];
    let r = check_booking(&book(&configs, &booked, "guided", "2026-03-28T11:30:00Z"));
    assert!(matches!(r, Err(Refusal::Conflict(_))), "{r:?}");
    // Another listing at the same time is fine; so is the next slot.
    let other = [showing(11, "2026-03-28T11:00:00Z", "scheduled")];
    assert_eq!(check_booking(&book(&configs, &other, "guided", "2026-03-28T11:00:00Z")), Ok(60));
    assert_eq!(check_booking(&book(&configs, &booked, "guided", "2026-03-28T12:00:00Z")), Ok(60));
}

#[test]
fn booking_refuses_outside_the_hours_in_the_past_and_self_guided_where_not_offered() {
    let configs = [config(5, 10, 14, 8)];
    for when in ["2026-03-28T09:00:00Z", "2026-03-28T13:30:00Z", "2026-03-29T11:00:00Z", "2026-03-20T11:00:00Z"] {
        let r = check_booking(&book(&configs, &[], "guided", when));
        assert!(matches!(r, Err(Refusal::Invalid(_))), "{when}: {r:?}");
    }
    let r = check_booking(&book(&configs, &[], "self_guided", "2026-03-28T10:00:00Z"));
    assert!(matches!(r, Err(Refusal::Invalid(m)) if m.contains("Self-guided")));
}

#[test]
fn booking_refuses_a_day_at_its_maximum() {
    let configs = [config(5, 10, 14, 2)];
    let booked = [showing(11, "2026-03-28T10:00:00Z", "scheduled"), showing(12, "2026-03-28T11:00:00Z", "confirmed")];
    let r = check_booking(&book(&configs, &booked, "guided", "2026-03-28T13:00:00Z"));
    assert!(matches!(r, Err(Refusal::Conflict(m)) if m.contains("maximum of 2")));
}

// ── access codes ──

#[test]
fn an_access_code_is_eight_unambiguous_characters() {
    for _ in 0..50 {
        let c = access::new_code();
        assert_eq!(c.len(), 8);
        assert!(c.bytes().all(|b| access::ALPHABET.contains(&b)), "{c}");
        assert!(!c.contains(['0', 'O', '1', 'I']));
    }
    assert_eq!(access::code_from([0, 0, 0, 0, 0]), "AAAAAAAA");
    assert_eq!(access::code_from([255; 5]), "99999999");
}

#[test]
fn no_code_before_identity_verification_or_for_a_guided_tour() {
    let mut s = showing(10, "2026-03-28T14:00:00Z", "confirmed");
    s.showing_type = "self_guided".into();
    let why = access::refusal(&s, &prospect(false), at(NOW), 60).unwrap();
    assert!(why.contains("verified"), "{why}");
    assert_eq!(access::refusal(&s, &prospect(true), at(NOW), 60), None);
    s.showing_type = "guided".into();
    assert!(access::refusal(&s, &prospect(true), at(NOW), 60).is_some());
}

#[test]
fn the_code_answer_matches_the_spec_example() {
    let mut s = showing(10, "2026-03-28T14:00:00Z", "confirmed");
    s.showing_type = "self_guided".into();
    s.access_code = "X7K9M2PQ".into();
    s.access_code_expires_at = Some(at("2026-03-28T15:00:00Z"));
    let a = access::answer(&s, &prospect(true), chrono_tz::UTC, 60);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        json!({
            "showing_id": s.id,
            "access_code": "X7K9M2PQ",
            "expires_at": "2026-03-28T15:00:00Z",
            "duration_minutes": 60,
            "identity_verified": true,
            "instructions": "Enter code on the smart lock keypad. Code is valid from 2:00 PM to 3:00 PM."
        })
    );
}

// ── reminders ──

#[test]
fn each_reminder_is_due_in_its_own_window() {
    let s = showing(10, "2026-03-28T14:00:00Z", "scheduled");
    assert_eq!(due(&s, at("2026-03-27T13:00:00Z")).send, None);
    assert_eq!(due(&s, at("2026-03-27T14:05:00Z")).send, Some(Reminder::H24));
    assert_eq!(due(&s, at("2026-03-28T12:10:00Z")).send, Some(Reminder::H2));
    assert_eq!(due(&s, at("2026-03-28T13:40:00Z")).send, Some(Reminder::M30));
    assert_eq!(due(&s, at("2026-03-28T14:10:00Z")), Default::default());
}

#[test]
fn a_late_booking_skips_the_reminders_whose_window_passed() {
    // 90 minutes ahead: the 24-hour window is gone, the 2-hour one is open.
    let s = showing(10, "2026-03-28T14:00:00Z", "scheduled");
    let d = due(&s, at("2026-03-28T12:30:00Z"));
    assert_eq!((d.send, d.skip), (Some(Reminder::H2), vec![Reminder::H24]));
    // 25 minutes ahead: only the 30-minute reminder goes.
    let d = due(&s, at("2026-03-28T13:35:00Z"));
    assert_eq!((d.send, d.skip), (Some(Reminder::M30), vec![Reminder::H24, Reminder::H2]));
}

#[test]
fn cancelled_and_completed_showings_get_no_reminder() {
    for status in ["cancelled", "completed", "no_show"] {
        let s = showing(10, "2026-03-28T14:00:00Z", status);
        assert_eq!(due(&s, at("2026-03-28T13:40:00Z")), Default::default(), "{status}");
    }
}

// ── feedback ──

#[test]
fn themes_come_from_liked_disliked_and_the_comments() {
    let themes = feedback::themes_of(
        &["kitchen".into(), "Natural Light".into()],
        &["parking".into()],
        "Loved the bright kitchen. The bathroom is too small!",
    );
    let t: Vec<(&str, &str, i32)> = themes.iter().map(|t| (t.theme.as_str(), t.sentiment.as_str(), t.count)).collect();
    assert!(t.contains(&("kitchen", "positive", 2)), "{t:?}");
    assert!(t.contains(&("natural_light", "positive", 2)), "{t:?}");
    assert!(t.contains(&("parking", "negative", 1)), "{t:?}");
    assert!(t.contains(&("bathroom_size", "negative", 1)), "{t:?}");
}

#[test]
fn the_sentiment_score_stays_between_minus_one_and_one() {
    assert_eq!(feedback::sentiment_score(5, &[]), 1.0);
    assert_eq!(feedback::sentiment_score(1, &[]), -1.0);
    assert_eq!(feedback::sentiment_score(3, &[]), 0.0);
    let pos = [Theme { theme: "kitchen".into(), sentiment: "positive".into(), count: 3, detail: String::new() }];
    assert_eq!(feedback::sentiment_score(4, &pos), 0.75);
}

#[test]
fn the_offline_analysis_guesses_no_apply_likelihood() {
    let a = feedback::offline_analysis(&FeedbackInput {
        name: "Dana".into(),
        unit_number: "2B".into(),
        property_name: "Cedar Court".into(),
        rating: 4,
        liked: vec!["kitchen".into()],
        disliked: vec!["noise".into()],
        comments: String::new(),
        would_apply: Some(true),
        price_perception: "too_high".into(),
    });
    assert_eq!(a.apply_likelihood, None);
    assert!(a.needs_review);
    assert!(a.improvements.iter().any(|i| i.contains("noise")));
    assert!(a.improvements.iter().any(|i| i.contains("rent")));
}

fn fb(showing: &Showing, liked: &[&str], disliked: &[&str], rating: i32) -> ShowingFeedback {
    let liked: Vec<String> = liked.iter().map(|s| s.to_string()).collect();
    let disliked: Vec<String> = disliked.iter().map(|s| s.to_string()).collect();
    ShowingFeedback {
        id: Uuid::new_v4(),
        showing_id: showing.id,
        listing_id: showing.listing_id,
        property_id: showing.property_id,
        overall_rating: rating,
        key_themes: feedback::themes_of(&liked, &disliked, ""),
        liked,
        disliked,
        comments: String::new(),
        sentiment_score: 0.5,
        would_apply: Some(true),
        price_perception: "fair".into(),
        analysis: json!({}),
        created_at: at(NOW),
    }
}

#[test]
fn a_listings_themes_are_counted_across_its_feedback() {
    let (a, b) = (showing(10, "2026-03-20T10:00:00Z", "completed"), showing(10, "2026-03-21T10:00:00Z", "completed"));
    let r = feedback::aggregate(Some(id(10)), &[fb(&a, &["kitchen"], &["parking"], 4), fb(&b, &["kitchen"], &[], 5)]);
    assert_eq!(r.feedback_count, 2);
    assert_eq!(r.avg_rating, Some(4.5));
    assert_eq!((r.themes[0].theme.as_str(), r.themes[0].positive), ("kitchen", 2));
    assert_eq!(r.improvements, ["'parking' disliked by 1 prospect(s)"]);
    assert_eq!(r.price_perception.get("fair"), Some(&2));
}

// ── funnel ──

fn lead(created: &str) -> LeadRef {
    LeadRef {
        id: Uuid::new_v4(),
        listing_id: id(10),
        property_id: id(1),
        prospect_name: "L".into(),
        email: "l@example.com".into(),
        phone: String::new(),
        lead_score: 50,
        lead_grade: "B".into(),
        status: "new".into(),
        created_at: at(created),
    }
}

#[test]
fn the_funnel_has_the_specs_fields_and_rates() {
    let now = at("2026-03-28T12:00:00Z");
    let leads: Vec<LeadRef> =
        (0..4).map(|_| lead("2026-03-20T12:00:00Z")).chain([lead("2026-01-01T00:00:00Z")]).collect();
    let mut done = showing(10, "2026-03-22T10:00:00Z", "completed");
    done.conversion_outcome = "applied".into();
    done.no_show_risk_score = 0.1;
    let mut missed = showing(10, "2026-03-23T10:00:00Z", "no_show");
    missed.showing_type = "self_guided".into();
    missed.no_show_risk_score = 0.5;
    let cancelled = showing(10, "2026-03-24T10:00:00Z", "cancelled");
    let f = funnel(&leads, &[done.clone(), missed, cancelled], &[fb(&done, &[], &[], 4)], now);
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(
        v,
        json!({
            "period": "last_30_days",
            "leads": 4,
            "tours_scheduled": 2,
            "tours_completed": 1,
            "no_shows": 1,
            "no_show_rate": 0.5,
            "feedback_submitted": 1,
            "applications": 1,
            "lead_to_tour_rate": 0.5,
            "tour_to_apply_rate": 1.0,
            "overall_conversion_rate": 0.25,
            "avg_no_show_risk_score": 0.3,
            "by_type": {
                "guided": {"scheduled": 1, "completed": 1, "no_show": 0, "applied": 1},
                "self_guided": {"scheduled": 1, "completed": 0, "no_show": 1, "applied": 0},
                "virtual": {"scheduled": 0, "completed": 0, "no_show": 0, "applied": 0}
            }
        })
    );
}

#[test]
fn an_empty_funnel_has_zero_rates() {
    let f = funnel(&[], &[], &[], at(NOW));
    assert_eq!((f.leads, f.no_show_rate, f.overall_conversion_rate), (0, 0.0, 0.0));
}

// ── nurture ──

#[test]
fn the_interest_followup_comes_first_and_urgency_only_when_others_toured() {
    let now = at(NOW);
    assert_eq!(nurture::next_type(&[], 0, now), Some("interest_followup"));
    let sent = [("interest_followup".to_string(), now - Duration::hours(50))];
    assert_eq!(nurture::next_type(&sent, 0, now), None);
    assert_eq!(nurture::next_type(&sent, 2, now), Some("urgency"));
    let recent = [("interest_followup".to_string(), now - Duration::hours(10))];
    assert_eq!(nurture::next_type(&recent, 2, now), None);
    let both = [sent[0].clone(), ("urgency".to_string(), now - Duration::hours(60))];
    assert_eq!(nurture::next_type(&both, 2, now), None);
}

#[test]
fn the_offline_nurture_message_uses_only_the_record() {
    let d = nurture::offline_draft(&nurture::NurtureInput {
        name: "Dana Reyes".into(),
        tour_date: NaiveDate::from_ymd_opt(2026, 3, 22).unwrap(),
        unit_number: "2B".into(),
        bedrooms: 2,
        bathrooms: "1".into(),
        rent: "1850.00".into(),
        feedback_summary: "rated the tour 4/5; liked kitchen".into(),
        days_since: 3,
        other_tour_count: 0,
        message_type: "interest_followup".into(),
        channel: "email".into(),
        property_name: "Cedar Court".into(),
    });
    assert!(
        d.content.starts_with("Hi Dana, thank you for touring unit 2B (2BR/1BA at $1850.00/month)"),
        "{}",
        d.content
    );
    assert!(d.content.contains("liked kitchen"));
    assert_eq!(d.urgency_level, "low");
}

// ── the workflow on a replica ──

mod on_a_replica {
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use serde_json::json;
    use uuid::Uuid;

    use crate::ai::Gateway;
    use crate::demo::{self, DemoConfig};
    use crate::showings::model::Prospect;
    use crate::showings::port::ShowingsPort;
    use crate::showings::slots::Refusal;
    use crate::showings::surveys;
    use crate::showings::workflow::{self as wf, BookError, NewFeedback, NewProspect, NewShowing};
    use crate::store::Store;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A small demo portfolio with one listing (inserted as 5.1 would) of its first unit.
    pub(super) fn replica() -> (Store, Uuid, Uuid) {
        let mut store = Store::in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
        demo::generate(&mut store, &DemoConfig { units: 20, seed: 7, today }).unwrap();
        let (unit, property): (String, String) = store
            .conn()
            .query_row("SELECT id, property_id FROM units_unit ORDER BY unit_number, id LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        store.conn().execute("UPDATE properties SET time_zone = 'UTC' WHERE id = ?1", [&property]).unwrap();
        let listing = Uuid::from_u128(0x5_1000);
        insert_listing(&store, listing, &unit, &property);
        (store, listing, property.parse().unwrap())
    }

    pub(super) fn insert_listing(store: &Store, listing: Uuid, unit: &str, property: &str) {
        store
            .conn()
            .execute(
                "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, created_at, \
                 updated_at) VALUES (?1, ?2, ?3, 'active', '1850.00', 'Sunny 2BR near the park', 'A unit.', \
                 '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')",
                [&listing.to_string(), unit, property],
            )
            .unwrap();
    }

    fn prospect(store: &mut Store, listing: Uuid, email: &str) -> Prospect {
        wf::create_prospect(
            store,
            NewProspect {
                listing_id: Some(listing),
                property_id: None,
                name: "Dana Reyes".into(),
                email: email.into(),
                phone: "555-0142".into(),
                pre_screening: json!({"income_range": "75k-100k", "pets": true}),
                lead_score: None,
            },
            at("2026-03-20T09:00:00Z"),
        )
        .unwrap()
    }

    fn book(
        store: &mut Store,
        listing: Uuid,
        p: &Prospect,
        t: &str,
        when: &str,
        now: &str,
    ) -> Result<wf::ShowingView, BookError> {
        wf::schedule(
            store,
            &NewShowing { listing_id: listing, prospect_id: p.id, showing_type: t.into(), scheduled_at: at(when) },
            at(now),
        )
    }

    fn outbox(store: &Store, like: &str) -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM outbox_message WHERE idempotency_key LIKE ?1", [like], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_booking_scores_the_risk_and_refuses_a_clash_on_the_same_listing() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let lee = prospect(&mut store, listing, "lee@example.com");
        // 2026-03-24 is a Tuesday: the default hours are 09:00-18:00.
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        assert_eq!(v.showing.status, "scheduled");
        assert_eq!(v.showing.no_show_risk_factors.as_array().unwrap().len(), 5);
        assert_eq!(v.no_show_risk_level, super::level(v.showing.no_show_risk_score));
        assert_eq!(store.prospect(dana.id).unwrap().nurture_stage, "touring");
        let clash = book(&mut store, listing, &lee, "guided", "2026-03-24T14:30:00Z", "2026-03-20T10:00:00Z");
        assert!(matches!(clash, Err(BookError::Refused(Refusal::Conflict(_)))), "{clash:?}");
        let night = book(&mut store, listing, &lee, "guided", "2026-03-24T22:00:00Z", "2026-03-20T10:00:00Z");
        assert!(matches!(night, Err(BookError::Refused(Refusal::Invalid(_)))), "{night:?}");
        // Confirming lowers the engagement factor.
        let c = wf::confirm(&mut store, v.showing.id, at("2026-03-21T10:00:00Z")).unwrap();
        assert_eq!(c.showing.status, "confirmed");
        assert!(c.showing.no_show_risk_score < v.showing.no_show_risk_score);
    }

    #[test]
    fn the_reminders_job_sends_each_reminder_once_however_often_it_runs() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let mut t = at("2026-03-22T10:00:00Z");
        while t < at("2026-03-24T15:00:00Z") {
            wf::reminders_job(&mut store, t.date_naive(), t).unwrap();
            wf::reminders_job(&mut store, t.date_naive(), t).unwrap();
            t += Duration::minutes(15);
        }
        let id = v.showing.id;
        for r in ["reminder_24h", "reminder_2h", "reminder_30m"] {
            assert_eq!(outbox(&store, &format!("showing:{id}:{r}")), 1, "{r} by email");
            assert_eq!(outbox(&store, &format!("showing:{id}:{r}:sms")), 1, "{r} by text");
        }
        let s = store.showing(id).unwrap();
        assert!(s.reminder_24h_sent && s.reminder_2h_sent && s.reminder_30m_sent);
    }

    #[test]
    fn a_completed_tour_gets_one_feedback_survey_half_an_hour_after_it_ends_and_none_once_feedback_is_in() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let lee = prospect(&mut store, listing, "lee@example.com");
        // Lee's address bounced and was cleared: only the phone number is left.
        store.conn().execute("UPDATE prospect SET email = '' WHERE id = ?1", [lee.id.to_string()]).unwrap();
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let w = book(&mut store, listing, &lee, "guided", "2026-03-24T16:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let sam = prospect(&mut store, listing, "sam@example.com");
        let x = book(&mut store, listing, &sam, "guided", "2026-03-25T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        wf::complete(&mut store, v.showing.id, None, at("2026-03-24T15:00:00Z")).unwrap();
        wf::complete(&mut store, w.showing.id, None, at("2026-03-24T17:00:00Z")).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 24).unwrap();
        let r = surveys::survey_job(&mut store, day, at("2026-03-24T15:20:00Z")).unwrap();
        assert_eq!(r.counts["sent"], 0, "not yet half an hour after the tour");
        let mut t = at("2026-03-24T15:30:00Z");
        while t < at("2026-03-25T12:00:00Z") {
            surveys::survey_job(&mut store, t.date_naive(), t).unwrap();
            t += Duration::minutes(30);
        }
        let key = |s: &wf::ShowingView| format!("showing:{}:feedback_survey", s.showing.id);
        assert_eq!(outbox(&store, &key(&v)), 1, "one e-mail to Dana");
        assert_eq!(
            store
                .conn()
                .query_row(
                    "SELECT channel || ' ' || recipient FROM outbox_message WHERE idempotency_key = ?1",
                    [key(&w)],
                    |r| r.get::<_, String>(0)
                )
                .unwrap(),
            "sms 555-0142",
            "Lee gave only a phone number"
        );
        assert_eq!(outbox(&store, &key(&x)), 0, "a tour not yet taken is not surveyed");
        assert!(store.showing(v.showing.id).unwrap().feedback_survey_sent_at.is_some());
        // Feedback recorded before the survey went: none is sent; a tour from last month: none either.
        let y = book(&mut store, listing, &lee, "guided", "2026-03-26T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        wf::complete(&mut store, y.showing.id, None, at("2026-03-26T15:00:00Z")).unwrap();
        let gateway = Gateway::offline("test".into());
        let fb = NewFeedback {
            overall_rating: 4,
            liked: vec!["kitchen".into()],
            disliked: vec![],
            comments: String::new(),
            would_apply: Some(true),
            price_perception: "fair".into(),
        };
        wf::submit_feedback(&mut store, &gateway, y.showing.id, fb, at("2026-03-26T15:10:00Z")).unwrap();
        let r = surveys::survey_job(&mut store, day, at("2026-03-26T16:00:00Z")).unwrap();
        assert_eq!(r.counts["sent"], 0);
        let r = surveys::survey_job(&mut store, day, at("2026-04-26T16:00:00Z")).unwrap();
        assert_eq!(r.counts["sent"], 0);
        assert_eq!(outbox(&store, &key(&y)), 0);
    }

    #[test]
    fn a_late_booking_gets_only_the_reminders_still_ahead() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-24T12:30:00Z").unwrap();
        for m in [30, 45, 60, 75, 90, 105] {
            let t = at("2026-03-24T12:00:00Z") + Duration::minutes(m);
            wf::reminders_job(&mut store, t.date_naive(), t).unwrap();
        }
        let id = v.showing.id;
        // Booked 90 minutes ahead: no 24-hour reminder, the 2-hour one at once, then the 30-minute one.
        assert_eq!(outbox(&store, &format!("showing:{id}:reminder_24h")), 0);
        assert_eq!(outbox(&store, &format!("showing:{id}:reminder_2h")), 1);
        assert_eq!(outbox(&store, &format!("showing:{id}:reminder_30m")), 1);
    }

    #[test]
    fn an_unattended_showing_becomes_a_no_show_and_the_prospect_engaged_again() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let r = wf::no_show_job(&mut store, NaiveDate::from_ymd_opt(2026, 3, 24).unwrap(), at("2026-03-24T14:59:00Z"))
            .unwrap();
        assert_eq!(r.counts["no_shows"], 0, "not over yet");
        let r = wf::no_show_job(&mut store, NaiveDate::from_ymd_opt(2026, 3, 24).unwrap(), at("2026-03-24T15:01:00Z"))
            .unwrap();
        assert_eq!(r.counts["no_shows"], 1);
        assert_eq!(store.showing(v.showing.id).unwrap().status, "no_show");
        assert_eq!(store.prospect(dana.id).unwrap().nurture_stage, "engaged");
        // Cancelled and completed showings are left alone.
        let r = wf::no_show_job(&mut store, NaiveDate::from_ymd_opt(2026, 3, 25).unwrap(), at("2026-03-25T15:01:00Z"))
            .unwrap();
        assert_eq!(r.counts["no_shows"], 0);
    }

    #[test]
    fn self_guided_access_waits_for_identity_then_gives_an_eight_character_code_for_an_hour() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v =
            book(&mut store, listing, &dana, "self_guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let now = at("2026-03-21T10:00:00Z");
        let e = wf::access_code(&mut store, v.showing.id, now).unwrap_err();
        assert!(e.to_string().contains("verified their identity"), "{e}");
        // The ID alone is not enough.
        let p = wf::verify_identity(&mut store, dana.id, Some((b"id-scan", "image/jpeg")), None, now).unwrap();
        assert!(!p.identity_verified);
        assert!(wf::access_code(&mut store, v.showing.id, now).is_err());
        let p = wf::verify_identity(&mut store, dana.id, None, Some((b"selfie", "image/jpeg")), now).unwrap();
        assert!(p.identity_verified);
        assert_eq!(p.verification_method, "documents_on_file");
        let code = wf::access_code(&mut store, v.showing.id, now).unwrap();
        assert_eq!(code.access_code.len(), 8);
        assert_eq!(code.expires_at, at("2026-03-24T15:00:00Z"));
        assert_eq!(code.duration_minutes, 60);
        assert_eq!(code.instructions, "Enter code on the smart lock keypad. Code is valid from 2:00 PM to 3:00 PM.");
        // Asked again, the same code.
        assert_eq!(wf::access_code(&mut store, v.showing.id, now).unwrap().access_code, code.access_code);
    }

    #[test]
    fn feedback_after_the_tour_feeds_the_themes_and_the_funnel_and_a_nurture_message_follows_once() {
        let (mut store, listing, _) = replica();
        let gateway = Gateway::offline("tests".into());
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        let id = v.showing.id;
        assert!(wf::complete(&mut store, id, None, at("2026-03-24T13:00:00Z")).is_err(), "not started");
        wf::complete(&mut store, id, None, at("2026-03-24T15:00:00Z")).unwrap();
        let bad = NewFeedback {
            overall_rating: 6,
            liked: vec![],
            disliked: vec![],
            comments: String::new(),
            would_apply: None,
            price_perception: String::new(),
        };
        assert!(wf::submit_feedback(&mut store, &gateway, id, bad.clone(), at("2026-03-24T16:00:00Z")).is_err());
        let good = NewFeedback {
            overall_rating: 4,
            liked: vec!["kitchen".into(), "natural_light".into()],
            disliked: vec!["parking".into()],
            comments: "The kitchen is great but street parking is hard.".into(),
            price_perception: "fair".into(),
            ..bad
        };
        let f = wf::submit_feedback(&mut store, &gateway, id, good.clone(), at("2026-03-24T16:00:00Z")).unwrap();
        assert!(f.key_themes.iter().any(|t| t.theme == "kitchen" && t.sentiment == "positive"));
        assert!((-1.0..=1.0).contains(&f.sentiment_score));
        assert!(wf::submit_feedback(&mut store, &gateway, id, good, at("2026-03-24T16:05:00Z")).is_err(), "once");
        let themes = wf::themes(&store, Some(listing)).unwrap();
        assert_eq!(themes.feedback_count, 1);
        let funnel = wf::funnel_of(&store, None, Some(listing), at("2026-03-25T10:00:00Z")).unwrap();
        assert_eq!((funnel.tours_scheduled, funnel.tours_completed, funnel.feedback_submitted), (1, 1, 1));
        // Nurture: nothing before 48 hours, then one interest follow-up, never twice.
        let day = NaiveDate::from_ymd_opt(2026, 3, 25).unwrap();
        assert_eq!(wf::nurture_job(&mut store, &gateway, day, at("2026-03-25T10:00:00Z")).unwrap().counts["sent"], 0);
        let day = NaiveDate::from_ymd_opt(2026, 3, 27).unwrap();
        assert_eq!(wf::nurture_job(&mut store, &gateway, day, at("2026-03-27T10:00:00Z")).unwrap().counts["sent"], 1);
        assert_eq!(wf::nurture_job(&mut store, &gateway, day, at("2026-03-27T10:00:00Z")).unwrap().counts["sent"], 0);
        let m = store.nurture_messages().unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].message_type, "interest_followup");
        assert!(m[0].content.contains("$1850.00/month"), "{}", m[0].content);
        assert_eq!(outbox(&store, &format!("prospect:{}:nurture:%", dana.id)), 1);
    }

    #[test]
    fn a_submitted_application_with_the_prospects_email_converts_them() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v = book(&mut store, listing, &dana, "guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        wf::complete(&mut store, v.showing.id, None, at("2026-03-24T15:00:00Z")).unwrap();
        let unit_id = store.listing_ref(listing).unwrap().unit_id.unwrap();
        let app = Uuid::new_v4();
        let new = crate::screening::NewApplication {
            unit_id,
            first_name: "Dana".into(),
            last_name: "Reyes".into(),
            email: "Dana@Example.com".into(),
            phone: "555-0142".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 4, 12),
            ssn_last_four: "6789".into(),
            employer_name: "Acme Logistics".into(),
            employer_phone: String::new(),
            job_title: "Dispatcher".into(),
            monthly_income: rust_decimal::Decimal::from(9000),
            employment_start_date: NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
            income_verification_type: "pay_stubs".into(),
            previous_address: "12 Elm St".into(),
            previous_landlord_name: "Pat Landlord".into(),
            previous_landlord_phone: String::new(),
            previous_rent: None,
            previous_lease_duration_months: Some(8),
            reason_for_leaving: "Closer to work".into(),
            eviction_history: false,
            num_occupants: 2,
            has_pets: false,
            pet_details: String::new(),
        };
        crate::screening::workflow::apply_action(
            &mut store,
            app,
            &crate::screening::workflow::ScreeningAction::Submit(new),
            at("2026-03-25T10:00:00Z"),
        )
        .unwrap();
        let p = store.prospect(dana.id).unwrap();
        assert_eq!((p.nurture_stage.as_str(), p.converted_to_application), ("applied", Some(app)));
        assert_eq!(store.showing(v.showing.id).unwrap().conversion_outcome, "applied");
        // Another email converts no one.
        let other = store.prospects().unwrap().into_iter().filter(|p| p.converted_to_application.is_some()).count();
        assert_eq!(other, 1);
    }

    #[test]
    fn a_connected_replica_queues_the_step_for_the_server_and_leaves_access_codes_to_it() {
        let (mut store, listing, _) = replica();
        let dana = prospect(&mut store, listing, "dana@example.com");
        let v =
            book(&mut store, listing, &dana, "self_guided", "2026-03-24T14:00:00Z", "2026-03-20T10:00:00Z").unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES ('http://s', 'd', 'e', 0)",
                [],
            )
            .unwrap();
        let now = at("2026-03-21T10:00:00Z");
        let out = wf::act_on_replica(&mut store, v.showing.id, &wf::ShowingAction::Confirm, now).unwrap();
        assert!(matches!(out, wf::ShowingOutcome::Showing(ref s) if s.showing.status == "confirmed"));
        let queued: Vec<(String, String)> = crate::sync_actions::pending(&store)
            .unwrap()
            .into_iter()
            .map(|a| (a.entity, a.action.to_string()))
            .collect();
        assert_eq!(queued, [("showing".to_string(), r#"{"type":"confirm"}"#.to_string())]);
        let e = wf::act_on_replica(&mut store, v.showing.id, &wf::ShowingAction::AccessCode, now).unwrap_err();
        assert!(e.to_string().contains("issued by the server"), "{e}");
    }
}
