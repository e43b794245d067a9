//! The gateway picks the provider, labels every result with it, records every call in `ai_run`
//! and falls back to the offline provider when Claude cannot be reached.

use std::net::TcpListener;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;
use serde_json::{json, Value};
use unitcycle_core::ai::letters::{Channel, Recipient, RenewalLetterInput};
use unitcycle_core::ai::prompts::{self, RenewalLetter};
use unitcycle_core::ai::provider::{ChatRequest, Message, ToolSpec};
use unitcycle_core::ai::{AiError, AiRunLog, ClaudeConfig, Gateway, MemoryLog, ProviderKind, RunOutcome};
use unitcycle_core::store::Store;

fn input() -> RenewalLetterInput {
    RenewalLetterInput {
        recipient: Recipient {
            first_name: "Maria".into(),
            last_name: "Santos".into(),
            unit_number: "1624B".into(),
            property_name: "Cedar Court".into(),
            property_address: "120 Cedar St, Austin, TX 78701".into(),
        },
        current_rent: dec!(1100),
        offer_rent: dec!(1150),
        market_rent: Some(dec!(1175)),
        term_months: 12,
        lease_end_date: NaiveDate::from_ymd_opt(2026, 3, 31),
        respond_by: NaiveDate::from_ymd_opt(2026, 2, 14).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
        channel: Channel::Email,
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 30, 0).unwrap()
}

/// A key configured but nothing listening: a port that was just free.
fn unreachable_claude() -> ClaudeConfig {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = format!("http://127.0.0.1:{port}");
    config.timeout = Duration::from_secs(5);
    config
}

#[test]
fn no_api_key_means_the_offline_provider_and_it_says_so() {
    let gateway = Gateway::new(ClaudeConfig::from_lookup(|_| None));
    let status = gateway.status();
    assert_eq!(status.provider, ProviderKind::Offline);
    assert_eq!(status.model, "offline-templates-v1");
    assert_eq!(status.note, "no Claude API key configured (set ANTHROPIC_API_KEY): using the offline provider");

    let store = Store::in_memory().unwrap();
    let out = gateway.run::<RenewalLetter>(&input(), &store, now()).unwrap();
    assert_eq!(out.provider, ProviderKind::Offline);
    assert_eq!(out.source_label(), "Offline templates (offline-templates-v1)");
    assert_eq!(out.fallback_reason, None);
    assert!(out.value.body.contains("$1,150.00 per month"));

    let runs = store.ai_runs(10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].task.as_str(), runs[0].provider, runs[0].model.as_str(), runs[0].outcome, runs[0].error.as_str()),
        ("renewal_letter", ProviderKind::Offline, "offline-templates-v1", RunOutcome::Succeeded, "")
    );
    assert_eq!((runs[0].input_tokens, runs[0].output_tokens), (0, 0));
    assert_eq!(runs[0].created_at, now());
}

#[test]
fn claude_unreachable_falls_back_to_offline_with_the_error_recorded() {
    let gateway = Gateway::new(Some(unreachable_claude()));
    assert_eq!(gateway.status().provider, ProviderKind::Claude);
    assert_eq!(gateway.status().model, "claude-sonnet-4-20250514");

    let store = Store::in_memory().unwrap();
    let out = gateway.run::<RenewalLetter>(&input(), &store, now()).unwrap();
    assert_eq!(out.provider, ProviderKind::Offline);
    let reason = out.fallback_reason.clone().unwrap();
    assert!(reason.starts_with("Claude failed: cannot reach the Claude API at http://127.0.0.1:"), "{reason}");
    assert!(out.source_label().starts_with("Offline templates (offline-templates-v1), fallback: Claude failed"));

    let mut runs = store.ai_runs(10).unwrap();
    runs.reverse();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!((runs[0].provider, runs[0].outcome), (ProviderKind::Claude, RunOutcome::Failed));
    assert!(runs[0].error.starts_with("cannot reach the Claude API"), "{}", runs[0].error);
    assert_eq!((runs[1].provider, runs[1].outcome), (ProviderKind::Offline, RunOutcome::Fallback));
    assert_eq!(runs[1].error, reason);
}

#[test]
fn a_task_without_an_offline_answer_returns_the_claude_error() {
    let gateway = Gateway::new(Some(unreachable_claude()));
    let log = MemoryLog::default();
    let mut request = prompts::request::<RenewalLetter>(&input()).unwrap();
    request.task = "photo_analysis".into();
    let err = gateway.vision::<Value>(&request, "image/jpeg", &[0xFF, 0xD8], &log, now()).unwrap_err();
    assert!(matches!(err, AiError::Unreachable { .. }), "{err}");
    let runs = log.runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, RunOutcome::Failed);
}

#[test]
fn offline_vision_says_it_cannot_rather_than_inventing() {
    let gateway = Gateway::new(None);
    let request = prompts::request::<RenewalLetter>(&input()).unwrap();
    let err = gateway.vision::<Value>(&request, "image/jpeg", &[0xFF, 0xD8], &MemoryLog::default(), now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the offline provider cannot do 'renewal_letter': reading images or PDFs offline is not available for this task"
    );
}

#[test]
fn a_bad_base_url_is_reported_and_offline_is_used() {
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = "not a url".into();
    let gateway = Gateway::new(Some(config));
    let status = gateway.status();
    assert_eq!(status.provider, ProviderKind::Offline);
    assert_eq!(
        status.note,
        "Claude client unavailable (invalid Claude base URL 'not a url': relative URL without a base): using the offline provider"
    );
}

#[test]
fn a_log_that_cannot_record_is_an_error() {
    struct Broken;
    impl AiRunLog for Broken {
        fn record(&self, _: &unitcycle_core::ai::AiRun) -> Result<(), String> {
            Err("disk full".into())
        }
    }
    let err = Gateway::new(None).run::<RenewalLetter>(&input(), &Broken, now()).unwrap_err();
    assert_eq!(err.to_string(), "cannot record the AI run: disk full");
}

#[test]
fn offline_chat_routes_the_question_to_a_matching_tool() {
    let gateway = Gateway::new(None);
    let request = ChatRequest {
        task: "portfolio_chat".into(),
        system: String::new(),
        messages: vec![Message::user("How many leases are expiring soon?")],
        tools: vec![
            ToolSpec {
                name: "lifecycle_stats".into(),
                description: "Counts of leases per lifecycle state and leases expiring in 30/60/90 days".into(),
                input_schema: json!({"type": "object", "properties": {}}),
            },
            ToolSpec {
                name: "lease_lookup".into(),
                description: "Look up a lease by number".into(),
                input_schema: json!({"type": "object", "required": ["lease_number"]}),
            },
        ],
        max_tokens: None,
        max_turns: 4,
    };
    let log = MemoryLog::default();
    let mut tools = |name: &str, _: &Value| Ok(json!({"tool": name, "expiring_30": 12}));
    let reply = gateway.chat(&request, &mut tools, &mut |_| {}, &log, now()).unwrap();
    assert_eq!(reply.provider, ProviderKind::Offline);
    assert_eq!(reply.tool_calls[0].name, "lifecycle_stats");
    assert!(reply.text.starts_with("(offline) From lifecycle_stats:"), "{}", reply.text);
    assert!(reply.text.contains("\"expiring_30\": 12"));
    assert_eq!(log.runs()[0].task, "portfolio_chat");
}

#[test]
fn the_registry_knows_every_task() {
    let names: Vec<&str> = prompts::registry().iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "renewal_letter",
            "rent_increase_notice",
            "collections_message",
            "move_out_inspection_notice",
            "command_center_action",
            "condition_analysis",
            "move_out_photo_analysis",
            "photo_comparison",
            "vendor_dispatch",
            "price_analysis",
            "lease_translation",
            "lease_renewal_analysis",
            "message_classification",
            "tenant_auto_response",
            "tenant_faq",
            "onboarding_welcome_email",
            "onboarding_document_verification",
            "onboarding_utility_guide",
            "onboarding_handbook_extraction",
            "staging_listing",
            "showing_feedback_analysis",
            "showing_nurture_message",
            "listing_optimization",
            "listing_lead_qualification",
            "listing_competitor_analysis"
        ]
    );
    assert!(matches!(prompts::find("nope"), Err(AiError::UnknownTask(_))));
    let prompt = prompts::request::<RenewalLetter>(&input()).unwrap().prompt;
    assert!(prompt.starts_with(
        "Draft a personalized renewal offer letter for tenant Maria Santos at unit 1624B, Cedar Court. Current rent: $1,100.00/mo. Offer rent: $1,150.00/mo for 12 months."
    ));
}
