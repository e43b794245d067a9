//! The worker's showing requests (spec 5.2): the calendar of a day or a week, a person's step on
//! a showing (confirm, cancel, complete, access code) through the core, and the funnel.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::showings::access::AccessCode;
use unitcycle_core::showings::funnel::Funnel;
use unitcycle_core::showings::workflow::{self as wf, Calendar, ShowingAction, ShowingOutcome, ShowingView};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// A step on a showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Confirm,
    Cancel,
    Complete,
    AccessCode,
}

#[derive(Debug, Clone)]
pub enum ShowingsRequest {
    Calendar { start: NaiveDate, end: NaiveDate },
    Act { id: Uuid, step: Step, now: DateTime<Utc> },
    Funnel { now: DateTime<Utc> },
}

/// One showing of the calendar, at its property's local date and time.
#[derive(Debug, Clone)]
pub struct CalRow {
    pub date: NaiveDate,
    /// `14:00`.
    pub time: String,
    pub view: ShowingView,
}

#[derive(Debug, Clone)]
pub enum ShowingsData {
    Calendar { start: NaiveDate, end: NaiveDate, rows: Vec<CalRow> },
    Done(Box<ShowingView>),
    Code(Box<AccessCode>),
    Funnel(Box<Funnel>),
}

pub fn answer(store: &mut Store, req: ShowingsRequest) -> Result<ShowingsData, StoreError> {
    Ok(match req {
        ShowingsRequest::Calendar { start, end } => {
            let cal: Calendar = wf::calendar(&*store, start, end, None)?;
            let mut rows = Vec::new();
            for day in cal.days {
                for view in day.showings {
                    let at = view.showing.scheduled_at;
                    let time = match unitcycle_core::time::zone(&store.property(view.showing.property_id)?.time_zone) {
                        Ok(zone) => at.with_timezone(&zone).format("%H:%M").to_string(),
                        Err(_) => at.format("%H:%M").to_string(),
                    };
                    rows.push(CalRow { date: day.date, time, view });
                }
            }
            rows.sort_by(|a, b| (a.date, &a.time, a.view.showing.id).cmp(&(b.date, &b.time, b.view.showing.id)));
            ShowingsData::Calendar { start, end, rows }
        }
        ShowingsRequest::Act { id, step, now } => {
            let action = match step {
                Step::Confirm => ShowingAction::Confirm,
                Step::Cancel => ShowingAction::Cancel { reason: String::new() },
                Step::Complete => ShowingAction::Complete { conversion_outcome: None },
                Step::AccessCode => ShowingAction::AccessCode,
            };
            match wf::act_on_replica(store, id, &action, now)? {
                ShowingOutcome::Showing(v) => ShowingsData::Done(v),
                ShowingOutcome::Code(c) => ShowingsData::Code(Box::new(c)),
            }
        }
        ShowingsRequest::Funnel { now } => ShowingsData::Funnel(Box::new(wf::funnel_of(&*store, None, None, now)?)),
    })
}
