//! Jobs: one row per job in [`JOBS`] (name, the spec's task name, cron schedule, what it does),
//! read by the CLI, the server's scheduler and the docs. Each job is written once over its
//! feature's storage port; [`run_with`] runs one against a replica and records it in `job_run`.
//! Every job is idempotent for a given `today`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::lifecycle::classify;
use crate::store::{Result, Store};

/// The jobs this build knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    ClassifyLeaseStatuses,
    InitialReclassification,
    AiActionQueue,
    RenewalScan,
    PostRent,
    CollectionsScan,
    EscalationEngine,
    TurnoverDaily,
    PricingEngine,
    RiskScoring,
    VendorScorecards,
    PriceBenchmarks,
    RepeatVisits,
    ContractExpiry,
    DailyDigest,
    ScreeningPurge,
    LeaseSigningReminders,
    LeaseSigningExpiry,
    JurisdictionMonitor,
    DailySentiment,
    OnboardingTasks,
    OnboardingStalled,
    ShowingReminders,
    ShowingNoShows,
    ShowingNurture,
    FeedbackSurveys,
    ListingAnalytics,
    ListingAutoDelist,
    ListingStale,
    CompetitorScan,
}

/// One row of the job registry.
#[derive(Debug, Clone, Copy)]
pub struct JobDef {
    pub job: Job,
    /// The name used by `unitcycle jobs run <name>` and in `job_run.job_name`.
    pub name: &'static str,
    /// The spec's task name, accepted as an alias.
    pub spec_name: &'static str,
    /// When the schedule runs it, as a cron expression in UTC (minute hour * * *); `None` for
    /// one-time jobs. Jobs due at the same minute run in registry order.
    pub cron: Option<&'static str>,
    pub describe: &'static str,
}

/// The registry, in the order jobs due at the same time run (the AI action queue runs on the
/// 02:00 classification's result; the hourly rent job runs after the classification and before
/// the 08:00 collections scan, so the scan sees the rent and late fees it posted).
pub const JOBS: &[JobDef] = &[
    JobDef {
        job: Job::ClassifyLeaseStatuses,
        name: "lifecycle-classify",
        spec_name: "tenants.classify_lease_statuses",
        cron: Some("0 2 * * *"),
        describe: "Move expired active leases to month-to-month and past-move-out notices to vacant",
    },
    JobDef {
        job: Job::InitialReclassification,
        name: "initial-reclassification",
        spec_name: "tenants.initial_lease_reclassification",
        cron: None,
        describe: "One-time: reclassify expired leases still marked active",
    },
    JobDef {
        job: Job::AiActionQueue,
        name: "ai-action-queue",
        spec_name: "portfolio.generate_ai_action_queue",
        cron: Some("0 2 * * *"),
        describe: "Generate the command center's AI action recommendations per unit",
    },
    JobDef {
        job: Job::RenewalScan,
        name: "renewal-scan",
        spec_name: "renewals.nightly_renewal_scan",
        cron: Some("0 3 * * *"),
        describe: "Score churn and recommend renewal rent and letters for leases ending in 30-120 days or MTM",
    },
    JobDef {
        job: Job::PostRent,
        name: "post-rent",
        spec_name: "tenants.post_rent_charges",
        cron: Some("0 * * * *"),
        describe: "Post each lease's rent on its due day (prorated for partial months) and late fees after the \
                   grace period, on each property's local date (hourly, so every time zone's midnight is covered)",
    },
    JobDef {
        job: Job::CollectionsScan,
        name: "collections-scan",
        spec_name: "collections.daily_collections_scan",
        cron: Some("0 8 * * *"),
        describe: "Charge late fees, open collection cases for overdue balances, refresh and close cases",
    },
    JobDef {
        job: Job::EscalationEngine,
        name: "collections-escalation",
        spec_name: "collections.escalation_engine",
        cron: Some("30 */4 * * *"),
        describe: "Advance open collection cases to the step their days overdue call for",
    },
    JobDef {
        job: Job::TurnoverDaily,
        name: "turnover-daily",
        spec_name: "turnover.update_vacancy_days",
        cron: Some("0 1 * * *"),
        describe: "Open a turnover case for any lease under notice without one; update move-outs and days vacant; \
                   mark a case leased when the unit's next lease starts",
    },
    JobDef {
        job: Job::PricingEngine,
        name: "pricing-engine",
        spec_name: "pricing.daily_pricing_engine",
        cron: Some("0 4 * * *"),
        describe: "Price every unit from its comps on its property's date (seasonal factor, vacancy discount); \
                   keep each unit's market rent current",
    },
    JobDef {
        job: Job::RiskScoring,
        name: "risk-scoring",
        spec_name: "predictive_maintenance.compute_all_risk_scores",
        cron: Some("0 5 * * 1"),
        describe: "Score every unit's maintenance risk (frequency, cost trend, equipment age, repeat issues, season); \
                   predict the next work order and suggest preventive work for high and critical units",
    },
    JobDef {
        job: Job::VendorScorecards,
        name: "vendor-scorecards",
        spec_name: "vendor_intelligence.calculate_monthly_scorecards",
        cron: Some("0 4 1 * *"),
        describe: "Score last month's work of every vendor with activity on the six weighted metrics",
    },
    JobDef {
        job: Job::PriceBenchmarks,
        name: "price-benchmarks",
        spec_name: "vendor_intelligence.update_price_benchmarks",
        cron: Some("30 3 * * 0"),
        describe: "Recompute average, median, min and max cost per work category from approved invoices",
    },
    JobDef {
        job: Job::RepeatVisits,
        name: "repeat-visits",
        spec_name: "vendor_intelligence.detect_repeat_visits",
        cron: Some("0 6 * * *"),
        describe: "Flag work orders on the same unit and category within 30 days of a completed job",
    },
    JobDef {
        job: Job::ContractExpiry,
        name: "contract-expiry",
        spec_name: "vendor_intelligence.check_contract_expiry",
        cron: Some("30 8 * * *"),
        describe: "List vendor contracts, insurance certificates and licences expiring within 30 days",
    },
    JobDef {
        job: Job::DailyDigest,
        name: "daily-digest",
        spec_name: "chat.generate_daily_digest",
        cron: Some("0 * * * *"),
        describe: "Write the day's portfolio digest by 06:00 in each property's time zone (hourly, rewritten when \
                   another zone's morning comes): leases expiring this week, urgent work orders, past due, \
                   vacancy, notices and this month's collection rate as alert, info and success items",
    },
    JobDef {
        job: Job::ScreeningPurge,
        name: "screening-pii-purge",
        spec_name: "screening.purge_denied_applications",
        cron: Some("0 3 * * *"),
        describe: "Remove the personal data (names, contact, date of birth, SSN, employer, documents) of applications \
                   denied longer ago than UNITCYCLE_SCREENING_RETENTION_DAYS (default 730); the score and the \
                   decision stay",
    },
    JobDef {
        job: Job::LeaseSigningReminders,
        name: "lease-signing-reminders",
        spec_name: "leases.send_signing_reminders",
        cron: Some("0 10 * * *"),
        describe: "Email each signer still waiting on a working signing link a reminder (once a day, at most 5, \
                   not on the day the link was sent)",
    },
    JobDef {
        job: Job::LeaseSigningExpiry,
        name: "lease-signing-expiry",
        spec_name: "leases.expire_unsigned_leases",
        cron: Some("30 2 * * *"),
        describe: "Void leases still unsigned when their signing links expire (ESIGN_TOKEN_EXPIRY_DAYS, default 14); \
                   record the lease of any fully signed lease that has none yet",
    },
    JobDef {
        job: Job::JurisdictionMonitor,
        name: "jurisdiction-monitor",
        spec_name: "leases.monitor_jurisdiction_changes",
        cron: Some("0 6 * * 0"),
        describe: "Check every unsigned lease again against the rules in force on its property's date and every \
                   active template for clauses its state now prohibits; name the rules that took effect this week or \
                   take effect within 30 days; e-mail the manager what became unlawful",
    },
    JobDef {
        job: Job::DailySentiment,
        name: "communications-daily-sentiment",
        spec_name: "communications.tasks.calculate_daily_sentiment",
        cron: Some("0 3 * * *"),
        describe: "Log each tenant's rolling 30-day sentiment and churn prediction (with its factors) for those who \
                   wrote in the last 30 days; the at-risk list reads it",
    },
    JobDef {
        job: Job::OnboardingTasks,
        name: "onboarding-tasks",
        spec_name: "onboarding.process_scheduled_onboarding_tasks",
        cron: Some("0 * * * *"),
        describe: "Send each onboarding checklist's system tasks as they fall due on the property's date (welcome, \
                   utility guide, community information, check-ins), make the checklist of any signed lease without \
                   one, and bring each checklist's status up to date",
    },
    JobDef {
        job: Job::OnboardingStalled,
        name: "onboarding-stalled",
        spec_name: "onboarding.detect_stalled_onboardings",
        cron: Some("0 9 * * *"),
        describe: "Mark stalled the onboardings whose required tasks are overdue with nothing done, and tell the \
                   manager and the tenant once",
    },
    JobDef {
        job: Job::ShowingReminders,
        name: "showing-reminders",
        spec_name: "showings.tasks.send_showing_reminders",
        cron: Some("*/15 * * * *"),
        describe: "Send each upcoming showing's 24-hour, 2-hour and 30-minute reminders by email (and text), each \
                   once; a reminder whose window passed before it could go is skipped",
    },
    JobDef {
        job: Job::ShowingNoShows,
        name: "showing-no-shows",
        spec_name: "showings.tasks.mark_no_shows",
        cron: Some("*/30 * * * *"),
        describe: "Mark no-show the showings still scheduled or confirmed after their end, and move the prospect \
                   back to engaged (lost after a second no-show)",
    },
    JobDef {
        job: Job::ShowingNurture,
        name: "showing-nurture",
        spec_name: "showings.tasks.send_nurture_messages",
        cron: Some("0 10 * * *"),
        describe: "Send one follow-up to each prospect who toured 48 hours or more ago without applying (an \
                   interest follow-up, then an urgency note when others toured the listing)",
    },
    JobDef {
        job: Job::FeedbackSurveys,
        name: "showing-feedback-surveys",
        spec_name: "showings.send_feedback_surveys",
        cron: Some("*/30 * * * *"),
        describe: "Ask each prospect whose tour was completed in the last three days, and who has given no feedback, \
                   how it went: one survey per showing, by e-mail (or text without an address)",
    },
    JobDef {
        job: Job::ListingAnalytics,
        name: "listing-analytics",
        spec_name: "syndication.tasks.sync_platform_analytics",
        cron: Some("0 */6 * * *"),
        describe: "Bring each listing's views, inquiries and days on market up to date from its analytics rows and \
                   leads (the feed gives no counts back)",
    },
    JobDef {
        job: Job::ListingAutoDelist,
        name: "listing-auto-delist",
        spec_name: "syndication.tasks.auto_delist_leased_units",
        cron: Some("*/30 * * * *"),
        describe: "Delist from every platform the active listings whose unit now has an active lease",
    },
    JobDef {
        job: Job::ListingStale,
        name: "listing-stale",
        spec_name: "syndication.tasks.flag_stale_listings",
        cron: Some("0 8 * * *"),
        describe: "Flag the listings on the market more than 14 days with views below the 25th percentile and \
                   attach a price check to each",
    },
    JobDef {
        job: Job::CompetitorScan,
        name: "competitor-scan",
        spec_name: "syndication.scan_competing_listings",
        cron: Some("0 3 * * 1"),
        describe: "Bring each active listing's competitors' price difference and feature advantages up to date with \
                   its asking rent, and write its competitor analysis (price position, advantages, gaps, recommended \
                   rent, marketing angle)",
    },
];

/// The task names of the spec's beat schedule where its feature sections name the same job
/// differently; both are accepted (`unitcycle jobs run <either>`).
pub const BEAT_NAMES: &[(&str, Job)] = &[
    ("leases.check_signature_reminders", Job::LeaseSigningReminders),
    ("syndication.sync_all_listing_analytics", Job::ListingAnalytics),
    ("syndication.auto_delist_leased_units", Job::ListingAutoDelist),
    ("showings.send_showing_reminders", Job::ShowingReminders),
    ("showings.nurture_prospects", Job::ShowingNurture),
    ("communications.calculate_daily_sentiment", Job::DailySentiment),
];

impl Job {
    pub fn def(self) -> &'static JobDef {
        // Every variant has a row (a test checks it); the first row is a harmless fallback.
        JOBS.iter().find(|d| d.job == self).unwrap_or(&JOBS[0])
    }

    pub fn all() -> impl Iterator<Item = Job> {
        JOBS.iter().map(|d| d.job)
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    pub fn spec_name(self) -> &'static str {
        self.def().spec_name
    }

    pub fn cron(self) -> Option<&'static str> {
        self.def().cron
    }

    /// The schedule for people: the cron expression and what it means.
    pub fn schedule(self) -> Option<String> {
        let cron = self.cron()?;
        let times: Vec<String> = self.times_of_day().iter().map(|t| t.format("%H:%M").to_string()).collect();
        let hourly = times.len() == 24 && times.iter().all(|t| t[2..] == times[0][2..]);
        let fields: Vec<&str> = cron.split_whitespace().collect();
        let on = match (fields.get(2).copied(), fields.get(4).copied()) {
            (Some(dom), _) if dom != "*" => Some(format!("day {dom} of each month")),
            (_, Some(dow)) if dow != "*" => Some(format!("{}s", weekday_name(dow))),
            _ => None,
        };
        if let (Some(on), [time]) = (on, &times[..]) {
            return Some(format!("{cron}  ({on} {time} UTC)"));
        }
        Some(if hourly {
            format!("{cron}  (hourly at {} UTC)", &times[0][2..])
        } else if times.len() == 1 {
            format!("{cron}  (daily {} UTC)", times[0])
        } else {
            format!("{cron}  ({} times a day: {} UTC)", times.len(), times.join(", "))
        })
    }

    pub fn describe(self) -> &'static str {
        self.def().describe
    }

    /// The times of day (UTC) the schedule runs it; empty for one-time jobs.
    pub fn times_of_day(self) -> Vec<NaiveTime> {
        self.cron().and_then(|c| cron_times(c).ok()).unwrap_or_default()
    }

    /// Whether the schedule runs it on `day` (its day-of-month and day-of-week fields).
    pub fn runs_on(self, day: NaiveDate) -> bool {
        self.cron().is_some_and(|c| cron_runs_on(c, day))
    }

    pub fn parse(name: &str) -> Option<Job> {
        let name = name.trim();
        JOBS.iter()
            .find(|d| d.name == name || d.spec_name == name || d.spec_name.ends_with(&format!(".{name}")))
            .map(|d| d.job)
            .or_else(|| BEAT_NAMES.iter().find(|(beat, _)| *beat == name).map(|(_, job)| *job))
    }
}

fn weekday_name(dow: &str) -> &'static str {
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        [dow.parse::<usize>().unwrap_or(0) % 7]
}

/// Whether a cron expression's day fields allow `day`: day of month (a number or `*`) and day
/// of week (0 = Sunday … 6, or `*`); the month field must be `*`.
pub fn cron_runs_on(expr: &str, day: NaiveDate) -> bool {
    use chrono::Datelike;
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let [_, _, dom, _, dow] = fields[..] else { return false };
    let dom_ok = dom == "*" || dom.split(',').any(|d| d.parse() == Ok(day.day()));
    let dow_ok = dow == "*"
        || dow.split(',').any(|d| d.parse::<u32>().map(|d| d % 7) == Ok(day.weekday().num_days_from_sunday()));
    dom_ok && dow_ok
}

/// The times of day of a cron expression `minute hour dom * dow`, sorted. Each of the two
/// time fields is `*`, `*/step`, a number, or a comma list of numbers; the day fields are `*`
/// or numbers ([`cron_runs_on`]), the month field `*`.
pub fn cron_times(expr: &str) -> std::result::Result<Vec<NaiveTime>, String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = fields[..] else {
        return Err(format!("'{expr}': a cron expression has five fields"));
    };
    let days_ok = |f: &str, max: u32| f == "*" || f.split(',').all(|d| d.parse::<u32>().is_ok_and(|d| d <= max));
    if month != "*" || !days_ok(dom, 31) || !days_ok(dow, 7) {
        return Err(format!("'{expr}': the month must be '*' and the day fields '*' or numbers"));
    }
    let field = |text: &str, max: u32| -> std::result::Result<Vec<u32>, String> {
        if text == "*" {
            return Ok((0..max).collect());
        }
        if let Some(step) = text.strip_prefix("*/") {
            let step: u32 = step.parse().map_err(|_| format!("'{expr}': bad step '{text}'"))?;
            if step == 0 {
                return Err(format!("'{expr}': a step of 0"));
            }
            return Ok((0..max).step_by(step as usize).collect());
        }
        text.split(',')
            .map(|n| n.parse::<u32>().ok().filter(|n| *n < max).ok_or_else(|| format!("'{expr}': bad value '{n}'")))
            .collect()
    };
    let mut out = Vec::new();
    for h in field(hour, 24)? {
        for m in field(minute, 60)? {
            out.extend(NaiveTime::from_hms_opt(h, m, 0));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The first time strictly after `now` at which a scheduled job is due, and the jobs due then
/// (registry order).
pub fn next_due_after(now: DateTime<Utc>) -> (DateTime<Utc>, Vec<Job>) {
    let mut best: Option<(DateTime<Utc>, Vec<Job>)> = None;
    for day in [now.date_naive(), now.date_naive() + chrono::Duration::days(1)] {
        for job in Job::all().filter(|j| j.runs_on(day)) {
            for time in job.times_of_day() {
                let at = day.and_time(time).and_utc();
                if at <= now {
                    continue;
                }
                match &mut best {
                    Some((t, jobs)) if *t == at => jobs.push(job),
                    Some((t, _)) if *t < at => {}
                    _ => best = Some((at, vec![job])),
                }
            }
        }
    }
    best.unwrap_or((now + chrono::Duration::days(1), Vec::new()))
}

/// Scheduled jobs with a run time on `now`'s day at or before `now`: what a scheduler started
/// late catches up (each job once; a job that already ran that day skips itself).
pub fn due_today_by(now: DateTime<Utc>) -> Vec<Job> {
    Job::all().filter(|j| last_due(*j, now).is_some()).collect()
}

/// The latest time on `now`'s day, at or before `now`, at which `job` was due.
pub fn last_due(job: Job, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !job.runs_on(now.date_naive()) {
        return None;
    }
    job.times_of_day().into_iter().map(|t| now.date_naive().and_time(t).and_utc()).filter(|at| *at <= now).max()
}

/// The scheduled jobs a replica owes at `now`: due earlier on `now`'s day and not run
/// successfully since (registry order). What the server's scheduler catches up at start-up.
pub fn owed(store: &Store, now: DateTime<Utc>) -> Result<Vec<Job>> {
    let mut out = Vec::new();
    for job in Job::all() {
        let Some(due) = last_due(job, now) else { continue };
        if store.last_successful_run(job.name())?.is_none_or(|r| r.started_at < due) {
            out.push(job);
        }
    }
    Ok(out)
}

/// A standalone replica (never logged in to a server) runs the schedule itself: when the app
/// opens it runs every job it owes (`owed`), in registry order, telling `progress` before each
/// and after each (with its report or error). A failed job is recorded in `job_run` and the
/// others still run. A connected replica runs nothing: the server owns the schedule.
pub fn catch_up(
    store: &mut Store,
    today: NaiveDate,
    now: DateTime<Utc>,
    gateway: &crate::ai::Gateway,
    mut progress: impl FnMut(Job, Option<&std::result::Result<JobReport, String>>),
) -> Result<Vec<std::result::Result<JobReport, String>>> {
    if crate::sync_actions::connected(store)? {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for job in owed(store, now)? {
        progress(job, None);
        let outcome = run_with(store, job, today, now, gateway).map_err(|e| e.to_string());
        progress(job, Some(&outcome));
        out.push(outcome);
    }
    Ok(out)
}

/// What a job run did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct JobReport {
    pub job: &'static str,
    pub run_date: NaiveDate,
    pub summary: String,
    pub counts: serde_json::Value,
    /// True when the job had already done its work and changed nothing.
    pub skipped: bool,
}

impl JobReport {
    /// A run that did its work (not skipped).
    pub fn new(job: Job, run_date: NaiveDate, summary: String, counts: serde_json::Value) -> JobReport {
        JobReport { job: job.name(), run_date, summary, counts, skipped: false }
    }
}

/// Runs a job with the AI gateway configured from the environment (Claude when
/// `ANTHROPIC_API_KEY` is set, the offline provider otherwise).
pub fn run(store: &mut Store, job: Job, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    run_with(store, job, today, now, &crate::ai::Gateway::from_env())
}

/// Runs a job against a replica for `today`, recording the run in `job_run`.
pub fn run_with(
    store: &mut Store,
    job: Job,
    today: NaiveDate,
    now: DateTime<Utc>,
    gateway: &crate::ai::Gateway,
) -> Result<JobReport> {
    if job == Job::InitialReclassification {
        if let Some(done) = store.last_successful_run(job.name())? {
            return Ok(JobReport {
                job: job.name(),
                run_date: today,
                summary: format!("Already done on {}: {}", done.run_date, done.summary),
                counts: serde_json::json!({"to_month_to_month": 0}),
                skipped: true,
            });
        }
    }
    let run_id = store.start_job_run(job.name(), today, now)?;
    store.take_skipped();
    let outcome = match job {
        Job::ClassifyLeaseStatuses => classify::classify_lease_statuses(store, today, now),
        Job::InitialReclassification => classify::initial_reclassification(store, today, now),
        Job::AiActionQueue => {
            crate::command_center::queue::ai_action_queue(store, gateway, today, now).map(|r| r.job_report(today))
        }
        Job::RenewalScan => {
            crate::renewals::scan::renewal_scan(store, gateway, today, now).map(|r| r.job_report(today))
        }
        Job::PostRent => crate::rent::post_rent_charges(store, today, now).map(|r| r.job_report(today)),
        Job::CollectionsScan => {
            crate::collections::scan::collections_scan(store, today, now).map(|r| r.job_report(today))
        }
        Job::EscalationEngine => {
            crate::collections::escalation::escalation_engine(store, gateway, today, now).map(|r| r.job_report(today))
        }
        Job::TurnoverDaily => crate::turnover::workflow::daily(store, today, now).map(|r| r.job_report(today)),
        Job::PricingEngine => crate::pricing::workflow::daily(store, today, now).map(|r| r.job_report(today)),
        Job::RiskScoring => {
            crate::predictive_maintenance::workflow::weekly(store, today, now).map(|r| r.job_report(today))
        }
        Job::VendorScorecards => crate::vendor_intelligence::workflow::monthly(store, today, now),
        Job::PriceBenchmarks => crate::vendor_intelligence::workflow::update_benchmarks(store, today, now),
        Job::RepeatVisits => crate::vendor_intelligence::workflow::detect_repeat_visits(
            store,
            today,
            now,
            crate::delivery::manager_from_env().as_deref(),
        ),
        Job::ContractExpiry => crate::vendor_intelligence::workflow::contract_expiry(
            store,
            today,
            now,
            crate::delivery::manager_from_env().as_deref(),
        ),
        Job::DailyDigest => crate::portfolio_chat::workflow::digest_job(store, today, now),
        Job::ScreeningPurge => crate::screening::workflow::purge_job(store, today, now),
        Job::LeaseSigningReminders => crate::lease_generation::workflow::reminder_job(store, today, now),
        Job::LeaseSigningExpiry => crate::lease_generation::workflow::expiry_job(store, today, now),
        Job::JurisdictionMonitor => crate::lease_generation::monitor::monitor_job(
            store,
            crate::delivery::manager_from_env().as_deref(),
            today,
            now,
        ),
        Job::DailySentiment => crate::communications_hub::sentiment::job(store, today, now),
        Job::OnboardingTasks => crate::onboarding::workflow::process_job(store, gateway, today, now),
        Job::OnboardingStalled => crate::onboarding::workflow::stalled_job(store, today, now),
        Job::ShowingReminders => crate::showings::workflow::reminders_job(store, today, now),
        Job::ShowingNoShows => crate::showings::workflow::no_show_job(store, today, now),
        Job::ShowingNurture => crate::showings::workflow::nurture_job(store, gateway, today, now),
        Job::FeedbackSurveys => crate::showings::surveys::survey_job(store, today, now),
        Job::ListingAnalytics => crate::listing_syndication::workflow::analytics_job(store, today, now),
        Job::ListingAutoDelist => crate::listing_syndication::workflow::auto_delist_job(
            store,
            &*crate::listing_syndication::publisher::from_env(),
            today,
            now,
        ),
        Job::ListingStale => crate::listing_syndication::workflow::stale_job(store, today, now),
        Job::CompetitorScan => {
            crate::listing_syndication::competitor_scan::competitor_scan_job(store, gateway, today, now)
        }
    };
    let outcome = outcome.map(|report| with_skipped(report, store.take_skipped()));
    match &outcome {
        Ok(report) => store.finish_job_run(run_id, true, &report.summary, &report.counts, now)?,
        Err(e) => store.finish_job_run(run_id, false, &e.to_string(), &serde_json::json!({}), now)?,
    }
    outcome
}

/// A report that names the rows the job read past (`Store::read_sane`): `skipped_rows` in its
/// counts, each row in `bad_rows`, and the count in its summary.
fn with_skipped(report: JobReport, skipped: Vec<crate::doctor::BadRow>) -> JobReport {
    report_skipped(report, skipped, "unitcycle doctor")
}

/// Adds the rows a job read past to its report (see `with_skipped`); `lister` is the command that
/// lists every such row (`unitcycle doctor` on a replica, `unitcycle-server verify` on the server).
pub fn report_skipped(mut report: JobReport, skipped: Vec<crate::doctor::BadRow>, lister: &str) -> JobReport {
    if skipped.is_empty() {
        return report;
    }
    let mut seen = std::collections::BTreeSet::new();
    let rows: Vec<_> = skipped.into_iter().filter(|b| seen.insert((b.table.clone(), b.id.clone()))).collect();
    report.summary =
        format!("{}; skipped {} bad row(s) (see `{lister}`)", report.summary.trim_end_matches('.'), rows.len());
    if let Some(counts) = report.counts.as_object_mut() {
        counts.insert("skipped_rows".into(), rows.len().into());
        counts.insert("bad_rows".into(), rows.iter().map(|b| b.to_string()).collect::<Vec<_>>().into());
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn every_job_has_one_registry_row_and_parses_by_either_name() {
        for job in Job::all() {
            assert_eq!(JOBS.iter().filter(|d| d.job == job).count(), 1, "{job:?}");
            assert_eq!(Job::parse(job.name()), Some(job));
            assert_eq!(Job::parse(job.spec_name()), Some(job));
        }
        assert_eq!(Job::parse("nightly_renewal_scan"), Some(Job::RenewalScan));
        assert_eq!(Job::parse("nope"), None);
    }

    #[test]
    fn cron_expressions_give_the_spec_times() {
        for (expr, times) in [
            ("0 2 * * *", vec![hm(2, 0)]),
            ("30 */4 * * *", vec![hm(0, 30), hm(4, 30), hm(8, 30), hm(12, 30), hm(16, 30), hm(20, 30)]),
            ("0,30 9 * * *", vec![hm(9, 0), hm(9, 30)]),
        ] {
            assert_eq!(cron_times(expr).unwrap(), times, "{expr}");
        }
        // Day-of-month and day-of-week fields are numbers; the month is every month.
        assert_eq!(cron_times("0 4 1 * *").unwrap(), vec![hm(4, 0)]);
        for bad in ["0 2 * *", "0 2 * 1 *", "0 2 32 * *", "0 2 * * 8", "61 2 * * *", "0 */0 * * *", "x 2 * * *"] {
            assert!(cron_times(bad).is_err(), "{bad}");
        }
        for job in Job::all() {
            assert_eq!(job.cron().is_some(), !job.times_of_day().is_empty(), "{job:?}");
        }
    }

    /// The jobs that run every 15 or 30 minutes.
    const FREQUENT: [Job; 4] =
        [Job::ShowingReminders, Job::ShowingNoShows, Job::FeedbackSurveys, Job::ListingAutoDelist];

    /// The next time a job other than the every-15/30-minute ones is due, with the jobs due
    /// then other than those.
    fn next_timed_after(mut now: DateTime<Utc>) -> (DateTime<Utc>, Vec<Job>) {
        loop {
            let (at, jobs) = next_due_after(now);
            let jobs: Vec<Job> = jobs.into_iter().filter(|j| !FREQUENT.contains(j)).collect();
            if !jobs.is_empty() {
                return (at, jobs);
            }
            now = at;
        }
    }

    #[test]
    fn the_showing_and_delisting_jobs_run_every_quarter_and_half_hour() {
        assert_eq!(Job::ShowingReminders.times_of_day().len(), 96);
        assert_eq!(Job::ShowingNoShows.times_of_day().len(), 48);
        assert_eq!(
            next_due_after(at("2026-03-28T01:00:00Z")),
            (at("2026-03-28T01:15:00Z"), vec![Job::ShowingReminders])
        );
        assert_eq!(
            next_due_after(at("2026-03-28T01:15:00Z")),
            (
                at("2026-03-28T01:30:00Z"),
                vec![Job::ShowingReminders, Job::ShowingNoShows, Job::FeedbackSurveys, Job::ListingAutoDelist]
            )
        );
        assert_eq!(Job::parse("send_showing_reminders"), Some(Job::ShowingReminders));
        assert_eq!(Job::FeedbackSurveys.times_of_day().len(), 48);
        assert_eq!(Job::ShowingNurture.schedule().unwrap(), "0 10 * * *  (daily 10:00 UTC)");
    }

    #[test]
    fn the_renewal_scan_runs_at_three_after_the_classification_and_queue_at_two() {
        // The rent job and the digest run every hour, after the 02:00 jobs and before the 08:00 scan.
        assert_eq!(
            next_timed_after(at("2026-03-28T01:00:00Z")),
            (
                at("2026-03-28T02:00:00Z"),
                vec![
                    Job::ClassifyLeaseStatuses,
                    Job::AiActionQueue,
                    Job::PostRent,
                    Job::DailyDigest,
                    Job::OnboardingTasks
                ]
            )
        );
        assert_eq!(
            next_timed_after(at("2026-03-28T02:00:00Z")),
            (at("2026-03-28T02:30:00Z"), vec![Job::LeaseSigningExpiry])
        );
        assert_eq!(
            next_timed_after(at("2026-03-28T02:30:00Z")),
            (
                at("2026-03-28T03:00:00Z"),
                vec![
                    Job::RenewalScan,
                    Job::PostRent,
                    Job::DailyDigest,
                    Job::ScreeningPurge,
                    Job::DailySentiment,
                    Job::OnboardingTasks
                ]
            )
        );
        assert_eq!(
            next_timed_after(at("2026-03-28T03:00:00Z")),
            (
                at("2026-03-28T04:00:00Z"),
                vec![Job::PostRent, Job::PricingEngine, Job::DailyDigest, Job::OnboardingTasks]
            )
        );
        assert_eq!(
            next_timed_after(at("2026-03-28T04:00:00Z")),
            (at("2026-03-28T04:30:00Z"), vec![Job::EscalationEngine])
        );
        assert_eq!(
            next_timed_after(at("2026-03-28T07:00:00Z")),
            (
                at("2026-03-28T08:00:00Z"),
                vec![Job::PostRent, Job::CollectionsScan, Job::DailyDigest, Job::OnboardingTasks, Job::ListingStale]
            )
        );
        assert_eq!(next_timed_after(at("2026-03-28T08:00:00Z")).0, at("2026-03-28T08:30:00Z"));
        assert_eq!(next_timed_after(at("2026-03-28T20:30:00Z")).0, at("2026-03-28T21:00:00Z"));
        assert_eq!(
            next_timed_after(at("2026-03-28T23:30:00Z")),
            (
                at("2026-03-29T00:00:00Z"),
                vec![Job::PostRent, Job::DailyDigest, Job::OnboardingTasks, Job::ListingAnalytics]
            )
        );
    }

    #[test]
    fn the_rent_job_is_hourly() {
        assert_eq!(Job::PostRent.times_of_day().len(), 24);
        assert_eq!(Job::PostRent.schedule().unwrap(), "0 * * * *  (hourly at :00 UTC)");
        assert_eq!(Job::CollectionsScan.schedule().unwrap(), "0 8 * * *  (daily 08:00 UTC)");
        assert_eq!(Job::parse("post_rent_charges"), Some(Job::PostRent));
        assert_eq!(last_due(Job::PostRent, at("2026-12-03T10:50:00Z")), Some(at("2026-12-03T10:00:00Z")));
    }

    #[test]
    fn weekly_and_monthly_jobs_run_on_their_day_only() {
        // 2026-11-30 is a Monday, 2026-12-01 the 1st (a Tuesday), 2026-12-06 a Sunday.
        assert!(due_today_by(at("2026-11-30T05:00:00Z")).contains(&Job::RiskScoring));
        assert!(!due_today_by(at("2026-12-02T05:00:00Z")).contains(&Job::RiskScoring));
        assert!(due_today_by(at("2026-12-01T04:00:00Z")).contains(&Job::VendorScorecards));
        assert!(!due_today_by(at("2026-12-02T04:00:00Z")).contains(&Job::VendorScorecards));
        assert!(due_today_by(at("2026-12-06T03:30:00Z")).contains(&Job::PriceBenchmarks));
        assert!(!due_today_by(at("2026-12-05T03:30:00Z")).contains(&Job::PriceBenchmarks));
        assert_eq!(Job::RiskScoring.schedule().unwrap(), "0 5 * * 1  (Mondays 05:00 UTC)");
        assert_eq!(Job::VendorScorecards.schedule().unwrap(), "0 4 1 * *  (day 1 of each month 04:00 UTC)");
        assert_eq!(Job::PriceBenchmarks.schedule().unwrap(), "30 3 * * 0  (Sundays 03:30 UTC)");
        assert_eq!(Job::ContractExpiry.schedule().unwrap(), "30 8 * * *  (daily 08:30 UTC)");
        assert_eq!(Job::DailyDigest.schedule().unwrap(), "0 * * * *  (hourly at :00 UTC)");
        // From Saturday night the next weekly run is Sunday's benchmarks.
        assert_eq!(next_due_after(at("2026-12-05T23:59:00Z")).0, at("2026-12-06T00:00:00Z"));
        assert_eq!(
            next_timed_after(at("2026-12-06T03:00:00Z")),
            (at("2026-12-06T03:30:00Z"), vec![Job::PriceBenchmarks])
        );
        // The spec's beat schedule: the jurisdiction monitor on Sundays at 06:00, the competitor
        // scan on Mondays at 03:00.
        assert!(due_today_by(at("2026-12-06T06:00:00Z")).contains(&Job::JurisdictionMonitor));
        assert!(!due_today_by(at("2026-12-07T06:00:00Z")).contains(&Job::JurisdictionMonitor));
        assert!(due_today_by(at("2026-12-07T03:00:00Z")).contains(&Job::CompetitorScan));
        assert!(!due_today_by(at("2026-12-06T03:00:00Z")).contains(&Job::CompetitorScan));
        assert_eq!(Job::JurisdictionMonitor.schedule().unwrap(), "0 6 * * 0  (Sundays 06:00 UTC)");
        assert_eq!(Job::CompetitorScan.schedule().unwrap(), "0 3 * * 1  (Mondays 03:00 UTC)");
    }

    #[test]
    fn the_beat_schedules_task_names_are_accepted_beside_the_feature_sections() {
        assert_eq!(Job::parse("leases.monitor_jurisdiction_changes"), Some(Job::JurisdictionMonitor));
        assert_eq!(Job::parse("syndication.scan_competing_listings"), Some(Job::CompetitorScan));
        assert_eq!(Job::parse("showings.send_feedback_surveys"), Some(Job::FeedbackSurveys));
        assert_eq!(Job::parse("leases.check_signature_reminders"), Some(Job::LeaseSigningReminders));
        assert_eq!(Job::parse("showings.nurture_prospects"), Some(Job::ShowingNurture));
        assert_eq!(Job::parse("syndication.sync_all_listing_analytics"), Some(Job::ListingAnalytics));
        assert_eq!(Job::parse("communications.calculate_daily_sentiment"), Some(Job::DailySentiment));
        assert_eq!(Job::parse("showings.send_showing_reminders"), Some(Job::ShowingReminders));
        assert_eq!(Job::parse("syndication.auto_delist_leased_units"), Some(Job::ListingAutoDelist));
    }

    #[test]
    fn a_server_started_at_ten_to_eleven_catches_up_every_job_due_earlier_that_day() {
        assert_eq!(
            due_today_by(at("2026-12-03T10:50:00Z")),
            vec![
                Job::ClassifyLeaseStatuses,
                Job::AiActionQueue,
                Job::RenewalScan,
                Job::PostRent,
                Job::CollectionsScan,
                Job::EscalationEngine,
                Job::TurnoverDaily,
                Job::PricingEngine,
                Job::RepeatVisits,
                Job::ContractExpiry,
                Job::DailyDigest,
                Job::ScreeningPurge,
                Job::LeaseSigningReminders,
                Job::LeaseSigningExpiry,
                Job::DailySentiment,
                Job::OnboardingTasks,
                Job::OnboardingStalled,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::ShowingNurture,
                Job::FeedbackSurveys,
                Job::ListingAnalytics,
                Job::ListingAutoDelist,
                Job::ListingStale
            ]
        );
        assert_eq!(
            due_today_by(at("2026-12-03T00:10:00Z")),
            vec![
                Job::PostRent,
                Job::DailyDigest,
                Job::OnboardingTasks,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::FeedbackSurveys,
                Job::ListingAnalytics,
                Job::ListingAutoDelist
            ]
        );
        assert_eq!(
            due_today_by(at("2026-12-03T02:00:00Z")),
            vec![
                Job::ClassifyLeaseStatuses,
                Job::AiActionQueue,
                Job::PostRent,
                Job::EscalationEngine,
                Job::TurnoverDaily,
                Job::DailyDigest,
                Job::OnboardingTasks,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::FeedbackSurveys,
                Job::ListingAnalytics,
                Job::ListingAutoDelist
            ]
        );
    }

    #[test]
    fn a_standalone_replica_opened_at_ten_to_eleven_runs_what_it_owes_once() {
        let mut store = Store::in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        crate::demo::generate(
            &mut store,
            &crate::demo::DemoConfig { units: 60, ..crate::demo::DemoConfig::new(today) },
        )
        .unwrap();
        let gateway = crate::ai::Gateway::offline("test".into());
        let (early, now) = (at("2026-12-03T02:10:00Z"), at("2026-12-03T10:50:00Z"));
        run_with(&mut store, Job::ClassifyLeaseStatuses, today, early, &gateway).unwrap();
        assert_eq!(
            owed(&store, now).unwrap(),
            vec![
                Job::AiActionQueue,
                Job::RenewalScan,
                Job::PostRent,
                Job::CollectionsScan,
                Job::EscalationEngine,
                Job::TurnoverDaily,
                Job::PricingEngine,
                Job::RepeatVisits,
                Job::ContractExpiry,
                Job::DailyDigest,
                Job::ScreeningPurge,
                Job::LeaseSigningReminders,
                Job::LeaseSigningExpiry,
                Job::DailySentiment,
                Job::OnboardingTasks,
                Job::OnboardingStalled,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::ShowingNurture,
                Job::FeedbackSurveys,
                Job::ListingAnalytics,
                Job::ListingAutoDelist,
                Job::ListingStale
            ]
        );
        let mut told = Vec::new();
        let ran = catch_up(&mut store, today, now, &gateway, |job, done| told.push((job, done.is_some()))).unwrap();
        assert_eq!(ran.len(), 23);
        assert!(ran.iter().all(Result::is_ok), "{ran:?}");
        assert_eq!(told[..2], [(Job::AiActionQueue, false), (Job::AiActionQueue, true)]);
        assert_eq!(owed(&store, now).unwrap(), Vec::<Job>::new());
        // At 11:00 the hourly jobs are due again; at 12:30 they and the escalation engine; nothing else is.
        assert_eq!(
            owed(&store, at("2026-12-03T11:00:00Z")).unwrap(),
            vec![
                Job::PostRent,
                Job::DailyDigest,
                Job::OnboardingTasks,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::FeedbackSurveys,
                Job::ListingAutoDelist
            ]
        );
        assert_eq!(
            owed(&store, at("2026-12-03T12:30:00Z")).unwrap(),
            vec![
                Job::PostRent,
                Job::EscalationEngine,
                Job::DailyDigest,
                Job::OnboardingTasks,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::FeedbackSurveys,
                Job::ListingAnalytics,
                Job::ListingAutoDelist
            ]
        );
    }

    #[test]
    fn a_connected_replica_leaves_the_schedule_to_the_server() {
        let mut store = Store::in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES ('http://s', 'd', 'e', 0)",
                [],
            )
            .unwrap();
        let gateway = crate::ai::Gateway::offline("test".into());
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let ran = catch_up(&mut store, today, at("2026-12-03T10:50:00Z"), &gateway, |_, _| {}).unwrap();
        assert!(ran.is_empty());
    }
}
