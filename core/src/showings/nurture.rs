//! Nurture messages (spec 5.2 `NURTURE_MESSAGE_PROMPT`, the 10:00 `send_nurture_messages`): a
//! prospect in the `touring` stage whose completed showing ended 48 hours or more ago and who
//! has not applied gets one follow-up. The first is an `interest_followup`; an `urgency` message
//! follows (48 hours or more after the first) only when other prospects toured the listing in
//! the last 7 days. No type is sent twice to a prospect. `price_drop` and `similar_unit` need a
//! rent change or another listing to point to, which the job does not invent, so it does not
//! send them. The offline text is built only from the record: the unit, the asking rent, the
//! tour date and what the prospect's feedback said.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ai::prompts::Task;

/// What the message is written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NurtureInput {
    pub name: String,
    pub tour_date: NaiveDate,
    pub unit_number: String,
    pub bedrooms: i32,
    pub bathrooms: String,
    /// The asking rent (`1850.00`), empty when unknown.
    pub rent: String,
    /// The prospect's feedback in a line, empty without feedback.
    pub feedback_summary: String,
    pub days_since: i64,
    pub other_tour_count: i64,
    pub message_type: String,
    /// `email` or `sms`.
    pub channel: String,
    pub property_name: String,
}

/// The spec's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NurtureDraft {
    #[serde(default)]
    pub subject: String,
    pub content: String,
    pub channel: String,
    pub urgency_level: String,
}

/// The message type due for a prospect, if any: `sent` are the types already sent with when.
pub fn next_type(sent: &[(String, DateTime<Utc>)], other_tour_count: i64, now: DateTime<Utc>) -> Option<&'static str> {
    if !sent.iter().any(|(t, _)| t == "interest_followup") {
        return Some("interest_followup");
    }
    let last = sent.iter().map(|(_, at)| *at).max()?;
    if other_tour_count > 0 && !sent.iter().any(|(t, _)| t == "urgency") && now - last >= Duration::hours(48) {
        return Some("urgency");
    }
    None
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// The offline message, from the record only.
pub fn offline_draft(i: &NurtureInput) -> NurtureDraft {
    let rent = if i.rent.is_empty() { String::new() } else { format!(" at ${}/month", i.rent) };
    let liked = if i.feedback_summary.is_empty() {
        String::new()
    } else {
        format!(" You told us: {}.", i.feedback_summary.trim_end_matches('.'))
    };
    let (urgency_level, body) = if i.message_type == "urgency" {
        (
            "medium",
            format!(
                "{} other prospect(s) toured unit {} this week. If it is still on your list, applying soon keeps \
                 it open to you.",
                i.other_tour_count, i.unit_number
            ),
        )
    } else {
        ("low", format!("Is unit {} still a fit for you? We are happy to answer any questions.", i.unit_number))
    };
    let content = format!(
        "Hi {}, thank you for touring unit {} ({}BR/{}BA{rent}) at {} on {}.{liked} {body} Apply here when you are \
         ready: reply to this message and we will send your application link.",
        first_name(&i.name),
        i.unit_number,
        i.bedrooms,
        i.bathrooms,
        i.property_name,
        crate::format::date(i.tour_date),
    );
    NurtureDraft {
        subject: if i.channel == "email" {
            format!("Following up on your tour of unit {}", i.unit_number)
        } else {
            String::new()
        },
        content,
        channel: i.channel.clone(),
        urgency_level: urgency_level.into(),
    }
}

/// The spec's NURTURE_MESSAGE_PROMPT.
#[derive(Debug, Clone, Copy)]
pub struct NurtureMessageTask;

impl Task for NurtureMessageTask {
    const NAME: &'static str = "showing_nurture_message";
    const DESCRIPTION: &'static str = "Personal follow-up to a prospect who toured but has not applied (5.2)";
    type Input = NurtureInput;
    type Output = NurtureDraft;

    fn system() -> String {
        "You write leasing follow-ups for a property-management company. Use only the facts given; never invent \
         prices, dates, concessions or availability."
            .into()
    }

    fn prompt(i: &NurtureInput) -> String {
        format!(
            "Write a personalized follow-up message for this prospect.\nProspect: {}\nTour date: {}\nUnit: {} — \
             {}BR/{}BA, ${}/month\nTour feedback: {}\nDays since tour: {}\nOther tours this week: {}\nNurture type: \
             {}\nGuidelines:\n- Be warm and personal, not salesy\n- Reference something specific from their tour\n- \
             Create appropriate urgency without pressure\n- Include a clear call-to-action (apply link)\n- Keep under \
             150 words for SMS, 250 for email\nReturn JSON:\n{{\n\"subject\": \"string (email only)\",\n\"content\": \
             \"string\",\n\"channel\": \"email|sms\",\n\"urgency_level\": \"low|medium|high\"\n}}",
            i.name,
            i.tour_date,
            i.unit_number,
            i.bedrooms,
            i.bathrooms,
            if i.rent.is_empty() { "?" } else { &i.rent },
            if i.feedback_summary.is_empty() { "none given" } else { &i.feedback_summary },
            i.days_since,
            i.other_tour_count,
            i.message_type
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["content", "channel", "urgency_level"],
            "properties": {"subject": {"type": "string"}, "content": {"type": "string"},
                "channel": {"enum": ["email", "sms"]}, "urgency_level": {"enum": ["low", "medium", "high"]}}})
    }

    fn check(i: &NurtureInput, o: &NurtureDraft) -> Result<(), String> {
        let words = o.content.split_whitespace().count();
        let max = if i.channel == "sms" { 150 } else { 250 };
        if words == 0 || words > max {
            return Err(format!("content is 1 to {max} words"));
        }
        if !i.rent.is_empty() && o.content.contains('$') && !o.content.contains(&i.rent) {
            return Err(format!("the only rent to mention is ${}", i.rent));
        }
        Ok(())
    }

    fn offline(i: &NurtureInput) -> Option<NurtureDraft> {
        Some(offline_draft(i))
    }
}
