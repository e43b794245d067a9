//! The welcome email (spec 4.6's WELCOME_EMAIL_PROMPT) through the AI gateway, with its offline
//! equivalent: a warm HTML email under 400 words built only from the record — the move-in date
//! and time, the insurance deadline, the utility providers of the property's knowledge base, the
//! portal and the emergency number. Where the record has no value the email says the office will
//! confirm it; it never invents a provider, a phone number or an amount, and a model's email that
//! does is refused.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::faq::phone_numbers;
use crate::ai::prompts::Task;

/// The spec's limit on the email's length, in words.
pub const MAX_WORDS: usize = 400;

/// What the email is written from (all from the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WelcomeInput {
    pub tenant_name: String,
    pub property_name: String,
    pub unit_number: String,
    pub move_in_date: NaiveDate,
    /// As the office wrote it (`10:00 AM`); empty when not yet set.
    pub move_in_time: String,
    pub manager_name: String,
    #[serde(default)]
    pub manager_phone: Option<String>,
    #[serde(default)]
    pub manager_email: Option<String>,
    pub insurance_deadline: NaiveDate,
    /// One line per provider, from the knowledge base's utilities entries (see
    /// `utility_guide::provider_lines`); empty when the knowledge base names none.
    pub utility_providers: Vec<String>,
    pub portal_url: String,
    pub emergency_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WelcomeEmail {
    pub subject: String,
    pub content_html: String,
    /// `claude` or `offline` (filled by the caller from the gateway's answer).
    #[serde(default)]
    pub provider: String,
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The words of an HTML text (tags dropped).
pub fn word_count(html: &str) -> usize {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().count()
}

fn long_date(d: NaiveDate) -> String {
    d.format("%A, %B %-d, %Y").to_string()
}

fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or("there")
}

fn given(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// The email by rules, from the input alone.
pub fn offline_email(i: &WelcomeInput) -> WelcomeEmail {
    let property = escape(given(&i.property_name).unwrap_or("your new home"));
    let manager = escape(given(&i.manager_name).unwrap_or("The management team"));
    let when = match given(&i.move_in_time) {
        Some(t) => format!("{} at {}", long_date(i.move_in_date), escape(t)),
        None => format!("{} (the office will confirm the time)", long_date(i.move_in_date)),
    };
    let utilities = if i.utility_providers.iter().all(|p| p.trim().is_empty()) {
        "the office will confirm which providers serve your unit".to_string()
    } else {
        let items: Vec<String> = i
            .utility_providers
            .iter()
            .filter(|p| !p.trim().is_empty())
            .take(6)
            .map(|p| format!("<li>{}</li>", escape(p.trim())))
            .collect();
        format!("have service in your name by move-in day:<ul>{}</ul>", items.join(""))
    };
    let portal = match given(&i.portal_url) {
        Some(u) => format!("<a href=\"{0}\">{0}</a>", escape(u)),
        None => "the office will send you your portal link".into(),
    };
    let emergency = match i.emergency_phone.as_deref().and_then(given) {
        Some(p) => format!("call {} any time, day or night", escape(p)),
        None => "the office will confirm the 24-hour number before you move in".into(),
    };
    let contact: Vec<String> = [i.manager_phone.as_deref(), i.manager_email.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(given)
        .map(escape)
        .collect();
    let contact = if contact.is_empty() {
        "through the tenant portal or at the leasing office".to_string()
    } else {
        format!("at {}", contact.join(" or "))
    };
    let unit = given(&i.unit_number).map(|u| format!(" in unit {}", escape(u))).unwrap_or_default();
    let html = format!(
        "<p>Dear {name},</p>\n\
         <p>Welcome home! Everyone at {property} is so glad you chose to make your new home{unit} with us, and we \
         are looking forward to meeting you.</p>\n\
         <p><strong>Your move-in:</strong> {when}.</p>\n\
         <p>A few things to take care of before you arrive:</p>\n<ol>\n\
         <li><strong>Upload your renter's insurance</strong> in the tenant portal by {deadline}.</li>\n\
         <li><strong>Set up your utilities</strong>: {utilities}</li>\n\
         <li><strong>Complete your emergency contact form</strong> in the tenant portal.</li>\n\
         <li><strong>Schedule your move-in inspection</strong> with {manager} so we can walk through the home \
         together.</li>\n</ol>\n\
         <p><strong>Tenant portal:</strong> {portal}.</p>\n\
         <p><strong>Emergency maintenance:</strong> {emergency}.</p>\n\
         <p>If you have any questions, reach {manager}, your property manager, {contact}. We are here to help you \
         settle in.</p>\n\
         <p>Warm regards,<br>{manager}<br>{property}</p>",
        name = escape(first_name(&i.tenant_name)),
        deadline = long_date(i.insurance_deadline),
    );
    WelcomeEmail {
        subject: format!(
            "Welcome home to {}, {}!",
            given(&i.property_name).unwrap_or("your new home"),
            first_name(&i.tenant_name)
        ),
        content_html: html,
        provider: "offline".into(),
    }
}

/// The ways a text may write the move-in date.
fn date_forms(d: NaiveDate) -> Vec<String> {
    ["%B %-d, %Y", "%b %-d, %Y", "%Y-%m-%d", "%m/%d/%Y", "%-m/%-d/%Y", "%B %-d", "%-d %B %Y"]
        .iter()
        .map(|f| d.format(f).to_string().to_lowercase())
        .collect()
}

/// Checks an email: it states the move-in date, stays under [`MAX_WORDS`], and every phone
/// number and dollar amount in it is one of the input's.
pub fn check_email(i: &WelcomeInput, o: &WelcomeEmail) -> Result<(), String> {
    let lower = o.content_html.to_lowercase();
    if !date_forms(i.move_in_date).iter().any(|f| lower.contains(f)) {
        return Err(format!("The email must state the move-in date ({}).", i.move_in_date.format("%B %-d, %Y")));
    }
    let words = word_count(&o.content_html);
    if words > MAX_WORDS {
        return Err(format!("The email is {words} words; keep it under {MAX_WORDS}."));
    }
    let given_text = format!(
        "{} {} {} {}",
        i.utility_providers.join(" "),
        i.emergency_phone.clone().unwrap_or_default(),
        i.manager_phone.clone().unwrap_or_default(),
        i.portal_url
    );
    let phones = phone_numbers(&given_text);
    for p in phone_numbers(&format!("{} {}", o.subject, o.content_html)) {
        if !phones.contains(&p) {
            return Err(format!("The email states the phone number {p}, which the record does not give."));
        }
    }
    let amounts = crate::figures::amounts(&given_text);
    for a in crate::figures::amounts(&format!("{} {}", o.subject, o.content_html)) {
        if !amounts.iter().any(|x| x.round_dp(2) == a.round_dp(2)) {
            return Err(format!("The email states {}, which the record does not give.", crate::format::money(a)));
        }
    }
    if o.subject.trim().is_empty() {
        return Err("The email has no subject.".into());
    }
    Ok(())
}

pub struct WelcomeEmailTask;

impl Task for WelcomeEmailTask {
    const NAME: &'static str = "onboarding_welcome_email";
    const DESCRIPTION: &'static str = "Welcome email for a new tenant from the lease record (4.6)";
    type Input = WelcomeInput;
    type Output = WelcomeEmail;

    fn system() -> String {
        "You write warm, professional emails to new residential tenants for their property manager. Use only the \
         facts given: never invent a provider, phone number, amount, date or policy. Where a fact is missing, say \
         the office will confirm it."
            .into()
    }

    fn prompt(i: &WelcomeInput) -> String {
        let or_confirm =
            |v: Option<&str>| v.and_then(given).unwrap_or("not yet known (say the office will confirm)").to_string();
        format!(
            "Write a warm, professional welcome email for a new tenant:\n- Tenant name: {}\n- Property: {}\n- Unit: {}\n\
             - Move-in date: {}\n- Property manager: {}\nInclude:\n1. Warm greeting and excitement about their new home\n\
             2. Confirmed move-in date and time ({})\n3. 3-4 pre-move-in tasks they need to complete:\n- Upload renter's \
             insurance (deadline: {})\n- Set up utilities ({})\n- Complete emergency contact form\n- Schedule move-in \
             inspection\n4. Link to tenant portal: {}\n5. Emergency maintenance number: {}\n6. Property manager contact \
             info ({})\nTone: Professional but warm. This is their new home, not a transaction.\nKeep under 400 words. \
             Use HTML formatting.\nReturn JSON: {{\"subject\": \"...\", \"content_html\": \"...\"}}",
            i.tenant_name,
            i.property_name,
            i.unit_number,
            i.move_in_date.format("%B %-d, %Y"),
            i.manager_name,
            or_confirm(Some(&i.move_in_time)),
            i.insurance_deadline.format("%B %-d, %Y"),
            if i.utility_providers.is_empty() {
                "providers not yet known (say the office will confirm)".into()
            } else {
                i.utility_providers.join("; ")
            },
            or_confirm(Some(&i.portal_url)),
            or_confirm(i.emergency_phone.as_deref()),
            [i.manager_phone.as_deref(), i.manager_email.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object", "required": ["subject", "content_html"],
            "properties": {"subject": {"type": "string"}, "content_html": {"type": "string"}}})
    }

    fn check(i: &WelcomeInput, o: &WelcomeEmail) -> Result<(), String> {
        check_email(i, o)
    }

    fn offline(i: &WelcomeInput) -> Option<WelcomeEmail> {
        Some(offline_email(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> WelcomeInput {
        WelcomeInput {
            tenant_name: "Sarah Chen".into(),
            property_name: "Harbor View Apartments".into(),
            unit_number: "12B".into(),
            move_in_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            move_in_time: "10:00 AM".into(),
            manager_name: "Dana Brooks".into(),
            manager_phone: Some("(555) 010-1000".into()),
            manager_email: Some("dana@harborview.example".into()),
            insurance_deadline: NaiveDate::from_ymd_opt(2026, 3, 25).unwrap(),
            utility_providers: vec!["Electricity: Brightline Electric, (555) 010-2200".into()],
            portal_url: "https://portal.harborview.example".into(),
            emergency_phone: Some("(555) 010-4400".into()),
        }
    }

    #[test]
    fn the_offline_email_is_warm_complete_and_only_from_the_record() {
        let e = offline_email(&input());
        assert_eq!(e.subject, "Welcome home to Harbor View Apartments, Sarah!");
        for part in [
            "Dear Sarah,",
            "Wednesday, April 1, 2026 at 10:00 AM",
            "by Wednesday, March 25, 2026",
            "Brightline Electric, (555) 010-2200",
            "emergency contact form",
            "move-in inspection",
            "<a href=\"https://portal.harborview.example\">",
            "call (555) 010-4400 any time",
            "(555) 010-1000 or dana@harborview.example",
        ] {
            assert!(e.content_html.contains(part), "{part}\n{}", e.content_html);
        }
        assert!(word_count(&e.content_html) < MAX_WORDS);
        assert!(WelcomeEmailTask::check(&input(), &e).is_ok());
    }

    #[test]
    fn a_missing_value_is_left_to_the_office_never_invented() {
        let mut i = input();
        i.utility_providers.clear();
        i.emergency_phone = None;
        i.move_in_time = " ".into();
        i.manager_phone = None;
        i.tenant_name = "<b>Sam</b> O'Neil".into();
        let e = offline_email(&i);
        assert!(e.content_html.contains("the office will confirm which providers serve your unit"));
        assert!(e.content_html.contains("the office will confirm the 24-hour number"));
        assert!(e.content_html.contains("(the office will confirm the time)"));
        assert!(e.content_html.contains("Dear &lt;b&gt;Sam&lt;/b&gt;,"));
        assert!(phone_numbers(&e.content_html).is_empty());
        assert!(WelcomeEmailTask::check(&i, &e).is_ok());
    }

    #[test]
    fn a_model_email_without_the_date_or_with_invented_figures_is_refused() {
        let i = input();
        let good = offline_email(&i);
        let undated = WelcomeEmail { content_html: "<p>Welcome!</p>".into(), ..good.clone() };
        assert!(check_email(&i, &undated).unwrap_err().contains("April 1, 2026"));
        let phone = WelcomeEmail {
            content_html: format!("{} <p>Gas: call Metro Gas at 555-010-3300.</p>", good.content_html),
            ..good.clone()
        };
        assert!(check_email(&i, &phone).unwrap_err().contains("5550103300"));
        let fee = WelcomeEmail { content_html: format!("{} <p>Bring $150 for keys.</p>", good.content_html), ..good };
        assert!(check_email(&i, &fee).unwrap_err().contains("$150.00"));
        let iso = WelcomeEmail {
            subject: "Welcome".into(),
            content_html: "<p>See you 2026-04-01.</p>".into(),
            provider: String::new(),
        };
        assert!(check_email(&i, &iso).is_ok());
    }
}
