//! The weekly jurisdiction monitor (the spec's `leases.monitor_jurisdiction_changes`, Sundays
//! 06:00): every lease not yet signed is checked again against the rules in force on its
//! property's date, so a rule that took effect since it was drafted is seen before a tenant signs
//! it; the active templates are checked for clauses their state now prohibits; and the rules that
//! took effect in the past week or take effect within 30 days are named. What became unlawful is
//! e-mailed to the manager once a week.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use super::clauses::{check_clauses, library};
use super::jurisdiction::{all_rules, JurisdictionRule, Violation};
use super::port::{LeaseGenerationPort, LeaseWrite};
use super::workflow::{assembled, UNLAWFUL};
use crate::jobs::{Job, JobReport};
use crate::store::Result;

/// Leases still open to change: a draft, or out for signature.
const UNSIGNED: &[&str] = &["draft", "sent_for_signing", "partially_signed"];

/// The rules whose effective date falls in `(from, to]`.
pub fn rules_effective_between(rules: &[JurisdictionRule], from: NaiveDate, to: NaiveDate) -> Vec<&JurisdictionRule> {
    let mut out: Vec<&JurisdictionRule> =
        rules.iter().filter(|r| r.effective_date > from && r.effective_date <= to).collect();
    out.sort_by(|a, b| (a.effective_date, &a.state, &a.rule_type).cmp(&(b.effective_date, &b.state, &b.rule_type)));
    out
}

fn rule_line(r: &JurisdictionRule) -> String {
    format!("{} {} ({}) effective {}", r.state, r.rule_type.replace('_', " "), r.statute_reference, r.effective_date)
}

/// The unlawful violations in `now` that `before` (a stored `jurisdiction_warnings`) did not have.
pub fn newly_unlawful(before: &Value, now: &[Violation]) -> Vec<Violation> {
    let known: Vec<Violation> = serde_json::from_value(before.clone()).unwrap_or_default();
    now.iter()
        .filter(|v| v.severity == "error" && UNLAWFUL.contains(&v.rule_type.as_str()))
        .filter(|v| !known.iter().any(|k| k == *v))
        .cloned()
        .collect()
}

/// The job: see the module. A sent lease keeps the document its signers were sent; only its
/// warnings are brought up to date (the fix is to void it and generate again).
pub fn monitor_job<P: LeaseGenerationPort>(
    port: &mut P,
    manager: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let rules = all_rules();
    let recent: Vec<String> =
        rules_effective_between(&rules, today - Duration::days(7), today).into_iter().map(rule_line).collect();
    let coming: Vec<String> =
        rules_effective_between(&rules, today, today + Duration::days(30)).into_iter().map(rule_line).collect();
    let mut w = LeaseWrite::default();
    let mut unlawful = Vec::new();
    let mut checked = 0;
    for mut lease in port.generated_leases()?.into_iter().filter(|l| UNSIGNED.contains(&l.status.as_str())) {
        checked += 1;
        let a = assembled(port, &lease, now)?;
        let fresh = json!(a.violations);
        if fresh == lease.jurisdiction_warnings {
            continue;
        }
        let unit = port.unit(lease.unit_id)?;
        let property = port.property(lease.property_id)?;
        for v in newly_unlawful(&lease.jurisdiction_warnings, &a.violations) {
            let line = format!(
                "{} unit {} ({}, {}): {} [{}]",
                property.name,
                unit.unit_number,
                lease.lease_terms.tenant_name,
                lease.status.replace('_', " "),
                v.message,
                v.statute_reference
            );
            unlawful.push(json!({"lease_id": lease.id, "status": lease.status, "message": v.message,
                                 "statute_reference": v.statute_reference, "line": line}));
        }
        lease.jurisdiction_warnings = fresh;
        lease.updated_at = now;
        w.leases.push(lease);
    }
    let lib = library();
    let mut templates = Vec::new();
    for t in port.lease_templates()?.into_iter().filter(|t| t.is_active) {
        let clauses: Vec<_> = lib.iter().filter(|c| t.base_clause_ids.contains(&c.id)).cloned().collect();
        let city = Some(t.jurisdiction_city.as_str()).filter(|c| !c.trim().is_empty());
        for v in check_clauses(&t.jurisdiction_state, city, &clauses)
            .into_iter()
            .filter(|v| v.rule_type == "prohibited_clause")
        {
            templates.push(json!({"template_id": t.id, "name": t.name, "version": t.version, "message": v.message,
                                  "statute_reference": v.statute_reference,
                                  "line": format!("Template '{}' v{}: {} [{}]", t.name, t.version, v.message, v.statute_reference)}));
        }
    }
    let lines: Vec<String> = unlawful
        .iter()
        .chain(&templates)
        .filter_map(|u| u["line"].as_str().map(str::to_string))
        .chain(recent.iter().map(|r| format!("In force this week: {r}")))
        .collect();
    let to_fix = unlawful.len() + templates.len();
    w.messages.extend(crate::vendor_intelligence::workflow::manager_notice(
        manager.filter(|_| to_fix > 0),
        Job::JurisdictionMonitor,
        today,
        format!(
            "{to_fix} lease{} and template{} to fix under the law in force",
            crate::format::plural_s(to_fix),
            crate::format::plural_s(to_fix)
        ),
        &lines,
        now,
    ));
    let changed = w.leases.len();
    if !w.is_empty() {
        port.write_lease_rows(&w, now)?;
    }
    let summary = format!(
        "{checked} unsigned lease{} checked: {changed} with changed warnings, {} newly unlawful; {} template clause{} \
         prohibited; {} rule{} took effect this week, {} within 30 days",
        crate::format::plural_s(checked),
        unlawful.len(),
        templates.len(),
        crate::format::plural_s(templates.len()),
        recent.len(),
        crate::format::plural_s(recent.len()),
        coming.len()
    );
    Ok(JobReport::new(
        Job::JurisdictionMonitor,
        today,
        summary,
        json!({"leases_checked": checked, "leases_changed": changed, "newly_unlawful": unlawful,
               "templates": templates, "rules_took_effect": recent, "rules_coming": coming}),
    ))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rust_decimal_macros::dec;
    use uuid::Uuid;

    use super::*;
    use crate::lease_generation::model::GenerationTerms;
    use crate::lease_generation::workflow::{apply_action, GenerateInput, LeaseGenerationAction};
    use crate::store::Store;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A Los Angeles draft made on 15 June 2024 with two months' deposit, lawful until
    /// California's one-month cap (AB 12) took effect on 1 July 2024.
    fn draft_before_ab12() -> (Store, Uuid) {
        let mut store = Store::in_memory().unwrap();
        let cfg = crate::demo::DemoConfig { units: 20, ..crate::demo::DemoConfig::new(day(2024, 6, 15)) };
        crate::demo::generate(&mut store, &cfg).unwrap();
        let property = store.properties().unwrap().remove(0);
        store
            .conn()
            .execute(
                "UPDATE properties SET state = 'CA', city = 'Los Angeles', year_built = 2001, \
                 time_zone = 'America/Los_Angeles' WHERE id = ?1",
                [property.id.to_string()],
            )
            .unwrap();
        let unit = store.units(property.id).unwrap().remove(0);
        let lease_terms = GenerationTerms {
            start_date: day(2024, 8, 1),
            end_date: day(2025, 7, 31),
            security_deposit: dec!(3600),
            ..crate::lease_generation::tests::terms()
        };
        let input = GenerateInput {
            unit_id: unit.id,
            template_id: None,
            screening_application_id: None,
            lease_terms,
            clause_ids: Vec::new(),
            addenda: Vec::new(),
        };
        let id = Uuid::from_u128(0x4_5e);
        let made = Utc.with_ymd_and_hms(2024, 6, 15, 18, 0, 0).unwrap();
        apply_action(&mut store, id, &LeaseGenerationAction::Generate { input, actor: "pm@example.com".into() }, made)
            .unwrap();
        (store, id)
    }

    #[test]
    fn a_draft_made_lawful_before_a_new_cap_is_flagged_once_the_cap_is_in_force() {
        let (mut store, id) = draft_before_ab12();
        let before = store.generated_lease(id).unwrap().jurisdiction_warnings;
        assert!(!before.to_string().contains("1950.5"), "lawful when drafted: {before}");

        // Sunday 7 July 2024, 06:00 UTC: still 6 July in Los Angeles, and the cap is in force.
        let sunday = Utc.with_ymd_and_hms(2024, 7, 7, 6, 0, 0).unwrap();
        let r = monitor_job(&mut store, Some("pm@example.com"), day(2024, 7, 7), sunday).unwrap();
        let flagged = r.counts["newly_unlawful"].as_array().unwrap();
        assert_eq!(flagged.len(), 1, "{}", r.counts);
        assert_eq!(flagged[0]["lease_id"], id.to_string());
        assert!(flagged[0]["statute_reference"].as_str().unwrap().contains("1950.5"));
        let took_effect = r.counts["rules_took_effect"].to_string();
        assert!(
            took_effect.contains("CA security deposit limit") && took_effect.contains("2024-07-01"),
            "{took_effect}"
        );
        let stored = store.generated_lease(id).unwrap().jurisdiction_warnings;
        assert!(stored.to_string().contains("1950.5"), "the draft shows it: {stored}");
        let mail: (String, String) = store
            .conn()
            .query_row(
                "SELECT recipient, body FROM outbox_message WHERE idempotency_key = 'jurisdiction-monitor:2024-07-07'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(mail.0, "pm@example.com");
        assert!(mail.1.contains("Dana Okafor") && mail.1.contains("1950.5"), "{}", mail.1);

        // The next week nothing is new: no second notice.
        let next = Utc.with_ymd_and_hms(2024, 7, 14, 6, 0, 0).unwrap();
        let r = monitor_job(&mut store, Some("pm@example.com"), day(2024, 7, 14), next).unwrap();
        assert_eq!(r.counts["newly_unlawful"].as_array().unwrap().len(), 0);
        assert_eq!(r.counts["leases_changed"], 0);
        let notices: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM outbox_message WHERE related_type = 'jurisdiction-monitor'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(notices, 1);
    }

    #[test]
    fn rules_are_named_by_the_week_they_take_effect() {
        let rules = all_rules();
        let ab12 = rules_effective_between(&rules, day(2024, 6, 30), day(2024, 7, 7));
        assert!(ab12.iter().any(|r| r.state == "CA" && r.rule_type == "security_deposit_limit"), "{ab12:?}");
        assert!(rules_effective_between(&rules, day(2024, 7, 1), day(2024, 7, 7)).iter().all(|r| r.state != "CA"));
    }

    #[test]
    fn only_unlawful_errors_not_already_stored_are_new() {
        let v = |rule_type: &str, severity: &str| Violation {
            rule_type: rule_type.into(),
            severity: severity.into(),
            message: "m".into(),
            statute_reference: "s".into(),
        };
        let now = [v("security_deposit_limit", "error"), v("late_fee_limit", "warning"), v("required_clause", "error")];
        assert_eq!(newly_unlawful(&json!([]), &now).len(), 1);
        assert_eq!(newly_unlawful(&json!([now[0]]), &now).len(), 0);
    }
}
