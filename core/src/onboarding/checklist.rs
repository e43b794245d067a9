//! The checklist a signed lease produces (pure): the spec's task types, each with its trigger
//! and the day the trigger falls on, chosen from what the lease, unit and property hold (a pet
//! registration only when the lease allows pets, parking only where the property has parking);
//! and the checklist's figures and status from its tasks and today.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{OnboardingChecklist, OnboardingTask, TRIGGERS};

/// Days a required task may be overdue, with nothing done, before the checklist is stalled.
pub const STALL_AFTER_DAYS: i64 = 2;

/// What the checklist is generated from.
#[derive(Debug, Clone)]
pub struct ChecklistContext {
    pub tenant_lease_id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub tenant_email: String,
    pub unit_number: String,
    pub property_name: String,
    pub move_in_date: NaiveDate,
    pub signed_date: NaiveDate,
    /// The lease allows pets (a pet deposit or pet clause on the generated lease).
    pub has_pets: bool,
    /// The property has parking to register (its knowledge base says so).
    pub has_parking: bool,
    /// The lease requires renters' insurance (then it blocks move-in until verified).
    pub insurance_required: bool,
    /// The unit has a smart lock (`SMART_LOCK_PROVIDER` set): the code is issued, not a key.
    pub smart_lock: bool,
}

/// The day a trigger falls on: the signing date, or the move-in date moved by the trigger's
/// days — never before the signing date (a lease signed three days before move-in has its
/// seven-day tasks due at once).
pub fn trigger_date(trigger: &str, signed: NaiveDate, move_in: NaiveDate) -> Option<NaiveDate> {
    let days = TRIGGERS.iter().find(|(t, _)| *t == trigger)?.1;
    if trigger == "on_lease_sign" {
        return Some(signed);
    }
    Some((move_in + Duration::days(days)).max(signed.min(move_in)))
}

struct Spec {
    task_type: &'static str,
    title: String,
    description: String,
    trigger: &'static str,
    assigned_to: &'static str,
    required: bool,
    blocking: bool,
    document_type: &'static str,
}

fn spec(
    task_type: &'static str,
    trigger: &'static str,
    assigned_to: &'static str,
    title: impl Into<String>,
    description: impl Into<String>,
) -> Spec {
    Spec {
        task_type,
        title: title.into(),
        description: description.into(),
        trigger,
        assigned_to,
        required: true,
        blocking: false,
        document_type: "",
    }
}

fn specs(c: &ChecklistContext) -> Vec<Spec> {
    let unit = format!("unit {} at {}", c.unit_number, c.property_name);
    let mut v = vec![
        spec(
            "welcome_email",
            "on_lease_sign",
            "system",
            "Send the welcome email",
            format!("Welcome {} to {unit}, with the move-in date and what to do before it.", c.tenant_name),
        ),
        spec(
            "portal_setup",
            "on_lease_sign",
            "tenant",
            "Set up the tenant portal account",
            "Create the portal login used for rent, requests and documents.",
        ),
    ];
    let mut insurance = spec(
        "insurance_collection",
        "pre_move_in_7d",
        "tenant",
        "Upload renters' insurance",
        "A certificate naming the tenant, in force on the move-in date, with the lease's liability minimum and the \
         property listed as interested party.",
    );
    insurance.document_type = "renters_insurance";
    insurance.required = c.insurance_required;
    insurance.blocking = c.insurance_required;
    v.push(insurance);
    let mut id = spec(
        "document_collection",
        "pre_move_in_7d",
        "tenant",
        "Upload a photo ID",
        "A government-issued photo ID in the name on the lease, not expired.",
    );
    id.document_type = "id_copy";
    v.push(id);
    v.push(spec(
        "utility_setup_guide",
        "pre_move_in_7d",
        "system",
        "Send the utility setup guide",
        "Which utilities to put in the tenant's name before move-in and which come with the rent.",
    ));
    if c.has_pets {
        let mut pets = spec(
            "pet_registration",
            "pre_move_in_7d",
            "tenant",
            "Register pets",
            "Each pet's name, type, weight and vaccination record.",
        );
        pets.document_type = "pet_records";
        v.push(pets);
    }
    v.push(spec(
        "emergency_contacts",
        "pre_move_in_3d",
        "tenant",
        "Complete the emergency contact form",
        "Who to call if the tenant cannot be reached in an emergency.",
    ));
    let mut autopay = spec(
        "autopay_enrollment",
        "pre_move_in_3d",
        "tenant",
        "Enrol in autopay",
        "Optional: pay rent automatically on the due day.",
    );
    autopay.required = false;
    v.push(autopay);
    if c.has_parking {
        let mut parking = spec(
            "parking_registration",
            "pre_move_in_3d",
            "tenant",
            "Register vehicles",
            "Make, model and plate of each vehicle for a parking permit.",
        );
        parking.required = false;
        v.push(parking);
    }
    let keys = if c.smart_lock { "Issue the smart-lock code and fobs" } else { "Hand over the keys" };
    v.push(spec(
        "key_handoff",
        "on_move_in",
        "manager",
        keys,
        "Record each key, fob or code issued with its identifier and quantity, and the tenant's acknowledgment.",
    ));
    v.push(spec(
        "move_in_inspection",
        "on_move_in",
        "manager",
        "Move-in inspection",
        "Walk the unit with the tenant and record its condition room by room.",
    ));
    let mut walkthrough = spec(
        "maintenance_walkthrough",
        "on_move_in",
        "manager",
        "Maintenance walkthrough",
        "Show the water shut-off, breaker panel, thermostat and how to request repairs.",
    );
    walkthrough.required = false;
    v.push(walkthrough);
    v.push(spec(
        "community_info",
        "post_move_in_1d",
        "system",
        "Send community information",
        "The property's amenities, parking, trash and quiet hours from its knowledge base.",
    ));
    v.push(spec(
        "satisfaction_checkin",
        "post_move_in_7d",
        "system",
        "First-week check-in",
        "Ask how the first week went and whether anything needs fixing.",
    ));
    v.push(spec(
        "satisfaction_checkin",
        "post_move_in_30d",
        "system",
        "30-day check-in",
        "Ask how the first month went.",
    ));
    v
}

/// The checklist and its tasks for a signed lease. Ids are derived from the lease, so making the
/// checklist twice (on the replica and the server) yields the same rows.
pub fn generate(c: &ChecklistContext, now: DateTime<Utc>) -> (OnboardingChecklist, Vec<OnboardingTask>) {
    let id = Uuid::new_v5(&c.tenant_lease_id, b"onboarding_checklist");
    let tasks: Vec<OnboardingTask> = specs(c)
        .into_iter()
        .enumerate()
        .map(|(i, s)| OnboardingTask {
            id: Uuid::new_v5(&id, format!("{}:{}", s.task_type, s.trigger).as_bytes()),
            checklist_id: id,
            property_id: c.property_id,
            task_type: s.task_type.into(),
            title: s.title,
            description: s.description,
            trigger: s.trigger.into(),
            due_date: trigger_date(s.trigger, c.signed_date, c.move_in_date).unwrap_or(c.move_in_date),
            assigned_to: s.assigned_to.into(),
            status: "pending".into(),
            document_type: s.document_type.into(),
            document_url: String::new(),
            document_verified: false,
            verification: json!({}),
            is_required: s.required,
            is_blocking: s.blocking,
            sort_order: (i as i32 + 1) * 10,
            completed_at: None,
            updated_at: now,
        })
        .collect();
    let mut checklist = OnboardingChecklist {
        id,
        tenant_lease_id: c.tenant_lease_id,
        unit_id: c.unit_id,
        property_id: c.property_id,
        tenant_id: c.tenant_id,
        tenant_name: c.tenant_name.clone(),
        tenant_email: c.tenant_email.clone(),
        move_in_date: c.move_in_date,
        signed_date: c.signed_date,
        status: "pending".into(),
        total_tasks: 0,
        completed_tasks: 0,
        completion_pct: 0,
        last_activity_at: None,
        stalled_since: None,
        stall_alert_sent: false,
        created_at: now,
        updated_at: now,
    };
    refresh(&mut checklist, &tasks, c.signed_date);
    (checklist, tasks)
}

/// A task is done when it is completed or skipped, or (the system's messages) sent.
pub fn is_done(t: &OnboardingTask) -> bool {
    matches!(t.status.as_str(), "completed" | "skipped") || (t.assigned_to == "system" && t.status == "sent")
}

/// The checklist's counts, percentage and status from its tasks on `today`. A stalled
/// checklist stays stalled until something is done (the caller clears it on activity).
pub fn refresh(c: &mut OnboardingChecklist, tasks: &[OnboardingTask], today: NaiveDate) {
    c.total_tasks = tasks.len() as i32;
    c.completed_tasks = tasks.iter().filter(|t| is_done(t)).count() as i32;
    c.completion_pct = if c.total_tasks == 0 { 0 } else { c.completed_tasks * 100 / c.total_tasks };
    let required_done = tasks.iter().filter(|t| t.is_required).all(is_done);
    c.status = if required_done && today >= c.move_in_date {
        "completed"
    } else if c.status == "stalled" && c.stalled_since.is_some() {
        "stalled"
    } else if today == c.move_in_date {
        "move_in_day"
    } else if today > c.move_in_date && today <= c.move_in_date + Duration::days(7) {
        "first_week"
    } else if c.completed_tasks > 0 || today > c.move_in_date {
        "in_progress"
    } else {
        "pending"
    }
    .into();
}

/// The blocking tasks still open: move-in waits on these.
pub fn blockers(tasks: &[OnboardingTask]) -> Vec<&OnboardingTask> {
    tasks.iter().filter(|t| t.is_blocking && !is_done(t)).collect()
}

/// The required tenant or manager tasks overdue by more than [`STALL_AFTER_DAYS`] on `today`.
pub fn overdue(tasks: &[OnboardingTask], today: NaiveDate) -> Vec<&OnboardingTask> {
    tasks
        .iter()
        .filter(|t| t.is_required && t.assigned_to != "system" && !is_done(t))
        .filter(|t| t.due_date + Duration::days(STALL_AFTER_DAYS) < today)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ctx(signed: &str, move_in: &str) -> ChecklistContext {
        ChecklistContext {
            tenant_lease_id: Uuid::from_u128(1),
            unit_id: Uuid::from_u128(2),
            property_id: Uuid::from_u128(3),
            tenant_id: Uuid::from_u128(4),
            tenant_name: "Sarah Chen".into(),
            tenant_email: "sarah@example.com".into(),
            unit_number: "4B".into(),
            property_name: "Maple Court".into(),
            move_in_date: d(move_in),
            signed_date: d(signed),
            has_pets: false,
            has_parking: true,
            insurance_required: true,
            smart_lock: false,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-03-10T15:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_lease_signed_three_weeks_ahead_dates_every_task_from_signing_to_thirty_days_after() {
        let (c, tasks) = generate(&ctx("2026-03-10", "2026-04-01"), now());
        let due = |ty: &str, trigger: &str| {
            tasks.iter().find(|t| t.task_type == ty && t.trigger == trigger).map(|t| t.due_date).unwrap()
        };
        assert_eq!(due("welcome_email", "on_lease_sign"), d("2026-03-10"));
        assert_eq!(due("insurance_collection", "pre_move_in_7d"), d("2026-03-25"));
        assert_eq!(due("emergency_contacts", "pre_move_in_3d"), d("2026-03-29"));
        assert_eq!(due("key_handoff", "on_move_in"), d("2026-04-01"));
        assert_eq!(due("community_info", "post_move_in_1d"), d("2026-04-02"));
        assert_eq!(due("satisfaction_checkin", "post_move_in_7d"), d("2026-04-08"));
        assert_eq!(due("satisfaction_checkin", "post_move_in_30d"), d("2026-05-01"));
        assert_eq!(c.total_tasks, tasks.len() as i32);
        assert_eq!((c.status.as_str(), c.completion_pct), ("pending", 0));
        // Renters' insurance is required by the lease, so it blocks move-in.
        let blocking: Vec<_> = blockers(&tasks).iter().map(|t| t.task_type.as_str()).collect();
        assert_eq!(blocking, ["insurance_collection"]);
    }

    #[test]
    fn a_lease_signed_days_before_move_in_has_its_earlier_tasks_due_at_signing() {
        let (_, tasks) = generate(&ctx("2026-03-30", "2026-04-01"), now());
        let insurance = tasks.iter().find(|t| t.task_type == "insurance_collection").unwrap();
        assert_eq!(insurance.due_date, d("2026-03-30"));
    }

    #[test]
    fn tasks_follow_the_lease_pets_and_the_propertys_parking() {
        let mut c = ctx("2026-03-10", "2026-04-01");
        c.has_pets = true;
        c.has_parking = false;
        let (_, tasks) = generate(&c, now());
        assert!(tasks.iter().any(|t| t.task_type == "pet_registration"));
        assert!(!tasks.iter().any(|t| t.task_type == "parking_registration"));
        let ids: std::collections::HashSet<_> = tasks.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), tasks.len(), "each task has its own id");
    }

    #[test]
    fn completing_tasks_moves_the_percentage_and_the_status_through_the_first_week() {
        let (mut c, mut tasks) = generate(&ctx("2026-03-10", "2026-04-01"), now());
        tasks[0].status = "sent".into();
        tasks[1].status = "completed".into();
        refresh(&mut c, &tasks, d("2026-03-12"));
        assert_eq!(c.completed_tasks, 2);
        assert_eq!(c.completion_pct, 2 * 100 / c.total_tasks);
        assert_eq!(c.status, "in_progress");
        refresh(&mut c, &tasks, d("2026-04-01"));
        assert_eq!(c.status, "move_in_day");
        refresh(&mut c, &tasks, d("2026-04-04"));
        assert_eq!(c.status, "first_week");
        for t in tasks.iter_mut().filter(|t| t.is_required) {
            t.status = if t.assigned_to == "system" { "sent".into() } else { "completed".into() };
        }
        refresh(&mut c, &tasks, d("2026-05-01"));
        assert_eq!(c.status, "completed");
    }

    #[test]
    fn a_required_task_two_days_overdue_counts_toward_a_stall() {
        let (_, tasks) = generate(&ctx("2026-03-10", "2026-04-01"), now());
        assert!(overdue(&tasks, d("2026-03-12")).is_empty());
        let late: Vec<_> = overdue(&tasks, d("2026-03-13")).iter().map(|t| t.task_type.as_str()).collect();
        assert_eq!(late, ["portal_setup"]);
        let late: Vec<_> = overdue(&tasks, d("2026-03-28")).iter().map(|t| t.task_type.as_str()).collect();
        assert_eq!(late, ["portal_setup", "insurance_collection", "document_collection"]);
    }
}
