//! Post-tour feedback surveys (the spec's `showings.send_feedback_surveys`, every 30 minutes):
//! a prospect whose tour was completed is asked how it went, once per showing, by e-mail (a text
//! when only a phone number is known). The answers come back as a reply, which reaches the
//! communications inbox; the leasing team records them as the showing's feedback
//! (`POST /api/v1/showings/{id}/feedback/`), where their themes are analysed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;

use super::model::{Prospect, Showing};
use super::port::{ShowingsPort, ShowingsWrite};
use crate::outbox::DeliveryChannel;
use crate::store::Result;

/// A survey goes out this long after the tour ends, so the prospect has left the unit.
pub const AFTER_TOUR: Duration = Duration::minutes(30);
/// A tour completed longer ago than this is not surveyed (a first run, or one after a long
/// outage, does not send a backlog of stale questions).
pub const WITHIN: Duration = Duration::days(3);

/// Whether `s` is due its survey at `now`: completed, ended at least [`AFTER_TOUR`] and at most
/// [`WITHIN`] ago, no survey sent and no feedback recorded yet.
pub fn due(s: &Showing, has_feedback: bool, now: DateTime<Utc>) -> bool {
    let ended = s.completed_at.unwrap_or_else(|| s.ends_at());
    s.status == "completed"
        && s.feedback_survey_sent_at.is_none()
        && !has_feedback
        && ended + AFTER_TOUR <= now
        && ended + WITHIN > now
}

/// The survey's text: the questions the feedback record holds (rating, liked, disliked, price
/// perception, whether they would apply, comments).
pub fn survey_text(name: &str, listing: &str, when: &str) -> (String, String) {
    let subject = format!("How was your tour of {listing}?");
    let body = format!(
        "Hi {name},\n\nThank you for touring {listing} on {when}. A minute of your time helps us — just reply to \
         this message:\n\n1. Overall, how would you rate the home from 1 (poor) to 5 (excellent)?\n2. What did you \
         like?\n3. What did you not like?\n4. Does the rent feel like great value, fair, or too high?\n5. Do you \
         plan to apply?\n\nAnything else you would like us to know is welcome too.\n"
    );
    (subject, body)
}

fn sms_text(name: &str, listing: &str) -> String {
    format!(
        "Hi {name}, thanks for touring {listing}. How was it? Reply with a rating 1-5, what you liked or didn't, \
         and whether you plan to apply."
    )
}

fn channel_of(p: &Prospect) -> Option<DeliveryChannel> {
    if !p.email.trim().is_empty() {
        Some(DeliveryChannel::Email)
    } else if !p.phone.trim().is_empty() {
        Some(DeliveryChannel::Sms)
    } else {
        None
    }
}

/// The job: each due showing's survey into the outbox (its key is the showing's, so it is
/// queued once) and `feedback_survey_sent_at` set; a prospect with neither an e-mail address
/// nor a phone number is counted as unreachable and not asked again.
pub fn survey_job<P: ShowingsPort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let feedback = port.showing_feedback()?;
    let mut w = ShowingsWrite::default();
    let (mut sent, mut unreachable) = (0, 0);
    for mut s in port.showings()? {
        if !due(&s, feedback.iter().any(|f| f.showing_id == s.id), now) {
            continue;
        }
        let p = port.prospect(s.prospect_id)?;
        let listing = port.listing_ref(s.listing_id)?;
        match channel_of(&p) {
            Some(DeliveryChannel::Sms) => {
                let mut m = super::workflow::message(
                    &p,
                    &s,
                    "feedback_survey",
                    String::new(),
                    sms_text(&p.name, &listing.title),
                    now,
                );
                m.channel = DeliveryChannel::Sms;
                m.recipient = p.phone.clone();
                w.outbox.push(m);
                sent += 1;
            }
            Some(_) => {
                let when = super::workflow::local_when(port, &s)?;
                let (subject, body) = survey_text(&p.name, &listing.title, &when);
                w.outbox.push(super::workflow::message(&p, &s, "feedback_survey", subject, body, now));
                sent += 1;
            }
            None => unreachable += 1,
        }
        s.feedback_survey_sent_at = Some(now);
        s.updated_at = now;
        w.showings.push(s);
    }
    if !w.is_empty() {
        port.write_showings(&w, now)?;
    }
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::FeedbackSurveys,
        today,
        format!(
            "{sent} feedback survey{} sent{}",
            crate::format::plural_s(sent),
            if unreachable > 0 {
                format!(", {unreachable} prospect(s) with no e-mail or phone")
            } else {
                String::new()
            }
        ),
        json!({"sent": sent, "unreachable": unreachable}),
    ))
}
