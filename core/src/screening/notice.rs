//! The adverse action notice (FCRA-style) a denial produces: the decision, every reason the
//! score and the reviewer gave, that the decision was not based on a consumer report (none is
//! pulled here), and the applicant's rights. Rendered as a letter PDF.

use chrono::{DateTime, NaiveDate, Utc};

use super::{RiskFactor, ScreeningApplication};
use crate::pdf::letter::{letter, LetterInput};
use crate::pdf::PdfError;

/// The notice's text: the reasons from the stored score and the decision notes, nothing else.
pub fn notice_text(app: &ScreeningApplication, property_name: &str, unit_number: &str, day: NaiveDate) -> String {
    let factors: Vec<RiskFactor> = serde_json::from_value(app.ai_risk_factors.clone()).unwrap_or_default();
    let mut reasons: Vec<String> = factors.iter().map(|f| format!("- {}", f.factor)).collect();
    if !app.decision_notes.trim().is_empty() {
        reasons.push(format!("- {}", app.decision_notes.trim()));
    }
    if reasons.is_empty() {
        reasons.push("- The application did not meet the property's rental criteria.".into());
    }
    format!(
        "Dear {first} {last},\n\n\
         Thank you for applying to rent unit {unit_number} at {property_name}. After reviewing your application \
         on {day}, we are unable to approve it.\n\n\
         The principal reasons for this decision are:\n{reasons}\n\n\
         This decision was based on the information you provided in your application (income, employment and \
         rental history). No consumer report from a consumer reporting agency was obtained or used in making it.\n\n\
         You have the right to request, within 60 days, a statement of the specific reasons for this decision, and \
         to dispute the accuracy or completeness of any information you provided or we relied on. Your race, \
         color, religion, sex, national origin, familial status, disability or any other protected characteristic \
         played no part in this decision.\n\n\
         If you believe the information we relied on is wrong, reply to this letter and we will review it again.\n\n\
         Sincerely,\n{property_name} Leasing Office",
        first = app.first_name,
        last = app.last_name,
        reasons = reasons.join("\n"),
    )
}

/// The notice as a PDF letter addressed to the applicant.
pub fn notice_pdf(
    app: &ScreeningApplication,
    property_name: &str,
    property_address: &str,
    unit_number: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, PdfError> {
    let mut recipient = vec![format!("{} {}", app.first_name, app.last_name)];
    if !app.previous_address.trim().is_empty() {
        recipient.extend(app.previous_address.lines().map(str::to_string));
    }
    recipient.push(app.email.clone());
    let score = app.ai_score.map_or_else(|| "not scored".into(), |s| format!("{s:.0} of 100"));
    letter(
        &LetterInput {
            property_name: property_name.to_string(),
            property_address: property_address.to_string(),
            date: day.format("%b %-d, %Y").to_string(),
            recipient,
            subject: "Notice of adverse action on your rental application".into(),
            body: notice_text(app, property_name, unit_number, day),
            figures: vec![
                ("Unit applied for".into(), unit_number.to_string()),
                ("Application date".into(), app.created_at.date_naive().to_string()),
                ("Screening score".into(), score),
                ("Decision".into(), "Denied".into()),
            ],
            banner: None,
        },
        now,
    )
}
