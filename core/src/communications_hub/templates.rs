//! Reply and broadcast templates (spec 5.3's `communication_template`): the shipped library, the
//! same rows with the same ids on every store (written when a store opens, like the lease clause
//! library, so never synced), and the rendering of `{{variable}}` placeholders strictly from one
//! tenant's own record. A variable without a value in that record refuses the whole text: a
//! template never sends a blank or an invented figure.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auto_response::TenantFacts;
use super::port::CommunicationsPort;
use crate::format::money;
use crate::model::Tenant;
use crate::store::Result;

/// One `communication_template` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CommunicationTemplate {
    pub id: Uuid,
    pub name: String,
    /// The conversation category it answers (`billing`, `maintenance`, `lease`, `emergency`, …).
    pub category: String,
    /// The channel it is written for (`sms` short, `email` longer).
    pub channel: String,
    /// The text, with `{{variable}}` placeholders.
    pub content: String,
    /// The placeholders it uses, in order of first use.
    pub variables: Vec<String>,
    pub auto_send: bool,
    /// The classified intent it answers (`rent_due_date_query`, …), or empty.
    pub trigger_intent: String,
    pub created_at: DateTime<Utc>,
}

/// Every variable a template or a broadcast may use, each from the tenant's own record.
pub const VARIABLES: &[&str] = &[
    "tenant_name",
    "first_name",
    "last_name",
    "unit_number",
    "property_name",
    "rent_amount",
    "due_date",
    "lease_end_date",
    "balance_due",
    "open_maintenance_count",
    "portal_url",
];

/// The values one tenant's record gives the variables; `None` where the record has none (a
/// month-to-month lease has no end date; a tenant with no live lease has no rent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordValues {
    pub first_name: String,
    pub last_name: String,
    pub unit_number: Option<String>,
    pub property_name: Option<String>,
    pub rent_amount: Option<Decimal>,
    pub due_date: Option<NaiveDate>,
    pub lease_end_date: Option<NaiveDate>,
    pub balance_due: Option<Decimal>,
    pub open_maintenance_count: Option<u32>,
    pub portal_url: Option<String>,
}

impl RecordValues {
    /// The values of `tenant`'s record as the auto-response reads it.
    pub fn from_facts(tenant: &Tenant, f: &TenantFacts) -> RecordValues {
        RecordValues {
            first_name: tenant.first_name.clone(),
            last_name: tenant.last_name.clone(),
            unit_number: Some(f.unit_number.clone()),
            property_name: Some(f.property_name.clone()),
            rent_amount: Some(f.rent_amount),
            due_date: Some(f.next_due_date),
            lease_end_date: f.lease_end_date,
            balance_due: Some(f.balance_due),
            open_maintenance_count: Some(f.open_maintenance_count),
            portal_url: Some(f.portal_url.clone()),
        }
    }

    /// The value of `variable`: `Err` for a name that is no variable, `Ok(None)` for no value.
    pub fn get(&self, variable: &str) -> std::result::Result<Option<String>, String> {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(match variable {
            "tenant_name" => text(&format!("{} {}", self.first_name.trim(), self.last_name.trim())),
            "first_name" => text(&self.first_name),
            "last_name" => text(&self.last_name),
            "unit_number" => self.unit_number.as_deref().and_then(text),
            "property_name" => self.property_name.as_deref().and_then(text),
            "rent_amount" => self.rent_amount.map(money),
            "due_date" => self.due_date.map(long_date),
            "lease_end_date" => self.lease_end_date.map(long_date),
            "balance_due" => self.balance_due.map(money),
            "open_maintenance_count" => self.open_maintenance_count.map(|n| n.to_string()),
            "portal_url" => self.portal_url.as_deref().and_then(text),
            other => return Err(format!("{{{{{other}}}}} is not a variable (known: {}).", VARIABLES.join(", "))),
        })
    }
}

/// `April 1, 2026`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

/// The `{{variable}}` names `content` uses, in order of first use; `Err` for an unclosed
/// placeholder or a name that is no variable.
pub fn variables_in(content: &str) -> std::result::Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| "A '{{' placeholder is not closed with '}}'.".to_string())?;
        let name = after[..end].trim();
        if !VARIABLES.contains(&name) {
            return Err(format!("{{{{{name}}}}} is not a variable (known: {}).", VARIABLES.join(", ")));
        }
        if !out.iter().any(|v| v == name) {
            out.push(name.to_string());
        }
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// `content` with every placeholder filled from `values`; refused (naming the variable) when a
/// variable has no value in the record, so nothing blank or invented is ever sent.
pub fn render(content: &str, values: &RecordValues) -> std::result::Result<String, String> {
    variables_in(content)?;
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| "A '{{' placeholder is not closed with '}}'.".to_string())?;
        let name = after[..end].trim();
        let value = values.get(name)?.ok_or_else(|| {
            format!("{} {}'s record has no value for {{{{{name}}}}}.", values.first_name, values.last_name)
        })?;
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The shipped templates: (name, category, channel, trigger intent, auto send, text).
const LIBRARY: &[(&str, &str, &str, &str, bool, &str)] = &[
    (
        "Rent due date",
        "billing",
        "sms",
        "rent_due_date_query",
        true,
        "Hi {{first_name}}! Your rent of {{rent_amount}} is due on {{due_date}}. You can pay online at \
         {{portal_url}}. Let me know if you need anything else!",
    ),
    (
        "Balance",
        "billing",
        "email",
        "balance_query",
        false,
        "Hi {{first_name}}, the balance on your account for unit {{unit_number}} at {{property_name}} is \
         {{balance_due}}. Your next rent of {{rent_amount}} is due on {{due_date}}; you can pay at {{portal_url}}.",
    ),
    (
        "Maintenance acknowledgment",
        "maintenance",
        "sms",
        "maintenance_acknowledgment",
        false,
        "Hi {{first_name}}, thanks for letting us know. We have logged your request for unit {{unit_number}} \
         and will be in touch to schedule a visit.",
    ),
    (
        "Maintenance status",
        "maintenance",
        "email",
        "maintenance_status_query",
        false,
        "Hi {{first_name}}, unit {{unit_number}} has {{open_maintenance_count}} open maintenance request(s) \
         with us. We will let you know as soon as a visit is scheduled.",
    ),
    (
        "Lease end",
        "lease",
        "email",
        "lease_end_query",
        false,
        "Hi {{first_name}}, your lease for unit {{unit_number}} at {{property_name}} ends on \
         {{lease_end_date}}. We will be in touch about renewing well before then.",
    ),
    (
        "Emergency acknowledgment",
        "emergency",
        "sms",
        "emergency_acknowledgment",
        false,
        "{{first_name}}, we have your emergency report for unit {{unit_number}} and our on-call team has been \
         paged. If anyone is in danger, leave the unit and call 911.",
    ),
    (
        "General acknowledgment",
        "general",
        "email",
        "",
        false,
        "Hi {{first_name}}, thank you for your message. A member of the {{property_name}} team will reply shortly.",
    ),
];

/// The shipped templates, with ids from their names (the same on every store).
pub fn library() -> Vec<CommunicationTemplate> {
    let created_at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
    LIBRARY
        .iter()
        .map(|(name, category, channel, intent, auto_send, content)| CommunicationTemplate {
            id: Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("communication_template:{name}").as_bytes()),
            name: (*name).into(),
            category: (*category).into(),
            channel: (*channel).into(),
            content: (*content).into(),
            variables: variables_in(content).unwrap_or_default(),
            auto_send: *auto_send,
            trigger_intent: (*intent).into(),
            created_at,
        })
        .collect()
}

/// A template filled in for one tenant, or why it cannot be.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct RenderedTemplate {
    pub template: CommunicationTemplate,
    /// The text to send, from the tenant's record.
    pub content: Option<String>,
    /// Why it cannot be used for this tenant (a variable without a value).
    pub refused: Option<String>,
}

/// Every template filled in from the record of conversation `id`'s tenant (its lease, unit,
/// ledger and open work orders).
pub fn for_conversation<P: CommunicationsPort>(
    port: &P,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<RenderedTemplate>> {
    let c = port.conversation(id)?;
    crate::port::in_scope(port, c.property_id, "Conversation", id)?;
    let tenant = port.tenant(c.tenant_id)?;
    let lease = super::inbound::lease_of(port, &tenant)?;
    let today = crate::time::today_at(port, lease.property_id, now)?;
    let facts = super::inbound::facts(port, &tenant, &lease, today)?;
    let values = RecordValues::from_facts(&tenant, &facts);
    Ok(library()
        .into_iter()
        .map(|template| {
            let (content, refused) = match render(&template.content, &values) {
                Ok(text) => (Some(text), None),
                Err(why) => (None, Some(why)),
            };
            RenderedTemplate { template, content, refused }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn sarah() -> RecordValues {
        RecordValues {
            first_name: "Sarah".into(),
            last_name: "Chen".into(),
            unit_number: Some("B-205".into()),
            property_name: Some("Ashford Farms".into()),
            rent_amount: Some(dec!(1850)),
            due_date: NaiveDate::from_ymd_opt(2026, 4, 1),
            lease_end_date: None,
            balance_due: Some(dec!(0)),
            open_maintenance_count: Some(2),
            portal_url: Some("https://portal.example.com/pay".into()),
        }
    }

    fn check(content: &str, expected: std::result::Result<&str, &str>) {
        let got = render(content, &sarah());
        match expected {
            Ok(text) => assert_eq!(got.as_deref(), Ok(text), "{content}"),
            Err(part) => assert!(got.as_ref().is_err_and(|e| e.contains(part)), "{content}: {got:?}"),
        }
    }

    #[test]
    fn variables_are_filled_from_the_tenants_own_record() {
        check(
            "Hi {{first_name}}! Your rent of {{rent_amount}} is due on {{ due_date }}.",
            Ok("Hi Sarah! Your rent of $1,850.00 is due on April 1, 2026."),
        );
        check("{{tenant_name}}, unit {{unit_number}}", Ok("Sarah Chen, unit B-205"));
        check("Balance {{balance_due}}; {{open_maintenance_count}} open", Ok("Balance $0.00; 2 open"));
        check("No placeholders at all.", Ok("No placeholders at all."));
    }

    #[test]
    fn a_variable_without_a_value_refuses_the_text_never_a_blank() {
        // A month-to-month lease has no end date: the text is refused, not sent with a gap.
        check("Your lease ends on {{lease_end_date}}.", Err("no value for {{lease_end_date}}"));
        let mut no_unit = sarah();
        no_unit.unit_number = Some("  ".into());
        assert!(render("Unit {{unit_number}}", &no_unit).is_err());
    }

    #[test]
    fn an_unknown_or_unclosed_placeholder_is_refused() {
        check("Hi {{nickname}}", Err("{{nickname}} is not a variable"));
        check("Hi {{first_name", Err("not closed"));
        assert_eq!(
            variables_in("{{first_name}} {{unit_number}} {{first_name}}").unwrap(),
            ["first_name", "unit_number"]
        );
    }

    #[test]
    fn the_library_uses_known_variables_and_has_stable_ids() {
        let lib = library();
        assert!(lib.len() >= 6);
        for t in &lib {
            assert!(!t.variables.is_empty(), "{}", t.name);
            assert_eq!(variables_in(&t.content).unwrap(), t.variables);
            assert!(super::super::model::CHANNELS.contains(&t.channel.as_str()));
        }
        assert_eq!(library(), lib);
        let intents: Vec<&str> = lib.iter().map(|t| t.trigger_intent.as_str()).collect();
        for i in ["rent_due_date_query", "maintenance_acknowledgment", "balance_query", "lease_end_query"] {
            assert!(intents.contains(&i), "{i}");
        }
        let rent = lib.iter().find(|t| t.trigger_intent == "rent_due_date_query").unwrap();
        assert_eq!(
            render(&rent.content, &sarah()).unwrap(),
            "Hi Sarah! Your rent of $1,850.00 is due on April 1, 2026. You can pay online at \
             https://portal.example.com/pay. Let me know if you need anything else!"
        );
    }
}
