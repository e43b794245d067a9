//! The AI gateway: every AI feature goes through [`Gateway`], which picks the provider (Claude
//! when an API key is configured, the offline templates otherwise), records every call in
//! `ai_run`, and falls back to the offline provider when Claude fails. Every result says which
//! provider produced it.
//!
//! - `provider`: the [`AiProvider`] trait and the plain request/result types.
//! - `claude`: the Anthropic Messages API client (the only code that knows its wire format).
//! - `offline`: deterministic answers from `letters` through the `prompts` registry.
//! - `runs`: the `ai_run` log.

pub mod claude;
pub mod letters;
pub mod offline;
pub mod prompts;
pub mod provider;
pub mod runs;

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub use claude::{ClaudeConfig, ClaudeProvider};
pub use offline::OfflineProvider;
pub use prompts::Task;
pub use provider::{
    AiError, AiOutput, AiProvider, ChatEvent, ChatReply, ChatRequest, Completion, CompletionRequest, ProviderKind,
    ToolExecutor, Usage,
};
pub use runs::{AiRun, AiRunLog, MemoryLog, RunOutcome};

/// Which provider the gateway uses and why, for `unitcycle ai status` and screen labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct ProviderStatus {
    pub provider: ProviderKind,
    pub model: String,
    /// One sentence: why this provider is active.
    pub note: String,
}

pub struct Gateway {
    primary: Box<dyn AiProvider>,
    offline: OfflineProvider,
    note: String,
}

impl Gateway {
    /// Claude when `config` is given (an API key is configured), the offline provider otherwise.
    pub fn new(config: Option<ClaudeConfig>) -> Gateway {
        match config {
            None => Gateway::offline(
                "no Claude API key configured (set ANTHROPIC_API_KEY): using the offline provider".to_string(),
            ),
            Some(config) => {
                let url = config.endpoint();
                match ClaudeProvider::new(config) {
                    Ok(p) => Gateway {
                        primary: Box::new(p),
                        offline: OfflineProvider,
                        note: format!("Claude API key configured: using {url}, offline templates as fallback"),
                    },
                    Err(e) => Gateway::offline(format!("Claude client unavailable ({e}): using the offline provider")),
                }
            }
        }
    }

    /// Reads `ANTHROPIC_API_KEY` and friends from the environment (binaries only).
    pub fn from_env() -> Gateway {
        if std::env::var("UNITCYCLE_AI").is_ok_and(|v| v.trim() == "offline") {
            return Gateway::offline("UNITCYCLE_AI=offline: using the offline provider".into());
        }
        Gateway::new(ClaudeConfig::from_lookup(|k| std::env::var(k).ok()))
    }

    pub fn offline(note: String) -> Gateway {
        Gateway { primary: Box::new(OfflineProvider), offline: OfflineProvider, note }
    }

    /// A gateway over any provider (tests, other vendors later).
    pub fn with_provider(primary: Box<dyn AiProvider>, note: String) -> Gateway {
        Gateway { primary, offline: OfflineProvider, note }
    }

    pub fn status(&self) -> ProviderStatus {
        ProviderStatus {
            provider: self.primary.kind(),
            model: self.primary.model().to_string(),
            note: self.note.clone(),
        }
    }

    pub fn provider(&self) -> &dyn AiProvider {
        self.primary.as_ref()
    }

    /// Runs a registry task with its typed input: the primary provider, then the offline
    /// provider if the primary fails. Every attempt is recorded in `log`.
    pub fn run<T: Task>(
        &self,
        input: &T::Input,
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
    ) -> Result<AiOutput<T::Output>, AiError> {
        let request = prompts::request::<T>(input)?;
        let validate = |v: &serde_json::Value| {
            let out = <T::Output as serde::Deserialize>::deserialize(v).map_err(|e| e.to_string())?;
            T::check(input, &out)
        };
        self.call(&request, log, now, &|p: &dyn AiProvider| p.complete(&request, &validate))
    }

    /// Vision on one image for a request built by the caller.
    pub fn vision<T: DeserializeOwned>(
        &self,
        request: &CompletionRequest,
        media_type: &str,
        image: &[u8],
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
    ) -> Result<AiOutput<T>, AiError> {
        let validate = provider::validator_for::<T>();
        self.call(request, log, now, &|p: &dyn AiProvider| p.vision(request, media_type, image, &validate))
    }

    /// Vision for a registry task: the task's prompt filled from `input`, the image, and the
    /// answer validated by the task's type and its `check` (a failure gets the one repair
    /// request, as for [`Gateway::run`]).
    pub fn vision_task<T: Task>(
        &self,
        input: &T::Input,
        media_type: &str,
        image: &[u8],
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
    ) -> Result<AiOutput<T::Output>, AiError> {
        let request = prompts::request::<T>(input)?;
        let validate = |v: &serde_json::Value| {
            let out = <T::Output as serde::Deserialize>::deserialize(v).map_err(|e| e.to_string())?;
            T::check(input, &out)
        };
        self.call(&request, log, now, &|p: &dyn AiProvider| p.vision(&request, media_type, image, &validate))
    }

    /// Document extraction from one PDF for a request built by the caller.
    pub fn document<T: DeserializeOwned>(
        &self,
        request: &CompletionRequest,
        pdf: &[u8],
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
    ) -> Result<AiOutput<T>, AiError> {
        let validate = provider::validator_for::<T>();
        self.call(request, log, now, &|p: &dyn AiProvider| p.document(request, pdf, &validate))
    }

    /// A streaming chat with tools. Chat is not retried offline: a half-streamed answer cannot
    /// be taken back, so a failure is returned (and recorded) as it is.
    pub fn chat(
        &self,
        request: &ChatRequest,
        tools: &mut dyn ToolExecutor,
        on_event: &mut dyn FnMut(ChatEvent),
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
    ) -> Result<ChatReply, AiError> {
        let started = Instant::now();
        let result = self.primary.chat(request, tools, on_event);
        let (usage, outcome, error) = match &result {
            Ok(r) => (r.usage, RunOutcome::Succeeded, String::new()),
            Err(e) => (Usage::default(), RunOutcome::Failed, e.to_string()),
        };
        record(log, &request.task, self.primary.as_ref(), usage, started, outcome, error, now)?;
        result
    }

    fn call<T: DeserializeOwned>(
        &self,
        request: &CompletionRequest,
        log: &dyn AiRunLog,
        now: DateTime<Utc>,
        op: &dyn Fn(&dyn AiProvider) -> Result<Completion, AiError>,
    ) -> Result<AiOutput<T>, AiError> {
        let started = Instant::now();
        let primary = self.primary.as_ref();
        let err = match op(primary) {
            Ok(done) => {
                record(log, &request.task, primary, done.usage, started, RunOutcome::Succeeded, String::new(), now)?;
                return provider::typed(request, done);
            }
            Err(e) => e,
        };
        record(log, &request.task, primary, Usage::default(), started, RunOutcome::Failed, err.to_string(), now)?;
        if primary.kind() == ProviderKind::Offline {
            return Err(err);
        }
        let started = Instant::now();
        match op(&self.offline) {
            Ok(done) => {
                let reason = format!("Claude failed: {err}");
                record(
                    log,
                    &request.task,
                    &self.offline,
                    done.usage,
                    started,
                    RunOutcome::Fallback,
                    reason.clone(),
                    now,
                )?;
                let mut out = provider::typed::<T>(request, done)?;
                out.fallback_reason = Some(reason);
                Ok(out)
            }
            // No offline answer for this task: the Claude error is the one that matters.
            Err(_) => Err(err),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    log: &dyn AiRunLog,
    task: &str,
    provider: &dyn AiProvider,
    usage: Usage,
    started: Instant,
    outcome: RunOutcome,
    error: String,
    now: DateTime<Utc>,
) -> Result<(), AiError> {
    let run = AiRun {
        id: Uuid::new_v4(),
        task: task.to_string(),
        provider: provider.kind(),
        model: provider.model().to_string(),
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        latency_ms: started.elapsed().as_millis() as u64,
        outcome,
        error,
        created_at: now,
    };
    log.record(&run).map_err(AiError::Log)
}
