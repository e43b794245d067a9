//! The provider trait and the plain types every AI call speaks: requests, attachments, chat
//! messages and tools, results labelled with the provider that produced them, and errors.
//!
//! Nothing here knows a wire format; `claude.rs` maps these types onto the Messages API and
//! `offline.rs` answers them from templates.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which provider produced a result. Screens show it next to every AI result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Claude,
    Offline,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Claude => "claude",
            ProviderKind::Offline => "offline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Claude => "Claude",
            ProviderKind::Offline => "Offline templates",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tokens billed for one call (the offline provider reports zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
    }
}

/// Bytes sent alongside a prompt: a photo for vision, a PDF for document extraction.
#[derive(Clone, PartialEq, Eq)]
pub enum Attachment {
    /// `media_type` is `image/jpeg`, `image/png`, `image/gif` or `image/webp`.
    Image { media_type: String, data: Vec<u8> },
    /// A PDF (`application/pdf`).
    Pdf { data: Vec<u8> },
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Attachment::Image { media_type, data } => write!(f, "Image({media_type}, {} bytes)", data.len()),
            Attachment::Pdf { data } => write!(f, "Pdf({} bytes)", data.len()),
        }
    }
}

/// One JSON completion: the task's system prompt and filled prompt for a model, the structured
/// input the offline provider works from, and any attachments.
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    /// Registry name of the task, e.g. `renewal_letter`; also the `ai_run.task` value.
    pub task: String,
    pub system: String,
    pub prompt: String,
    /// The same facts as `prompt`, as data (the offline provider fills its templates from it).
    pub input: Value,
    /// JSON Schema of the expected answer; told to the model and used in the repair request.
    pub output_schema: Value,
    pub attachments: Vec<Attachment>,
    /// Overrides the provider's configured `max_tokens`.
    pub max_tokens: Option<u32>,
}

/// A validated JSON answer before it is turned into its Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub value: Value,
    pub provider: ProviderKind,
    pub model: String,
    pub usage: Usage,
    /// True when the first answer was invalid and the repair request fixed it.
    pub repaired: bool,
}

/// Checks a candidate answer against the expected serde type; `Err` says what is wrong.
pub type Validator<'a> = &'a dyn Fn(&Value) -> Result<(), String>;

/// A validator that accepts exactly the JSON that deserializes into `T`.
pub fn validator_for<T: DeserializeOwned>() -> impl Fn(&Value) -> Result<(), String> {
    |value: &Value| T::deserialize(value).map(|_| ()).map_err(|e| e.to_string())
}

/// A chat role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One content block of a chat message.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(String),
    ToolUse { id: String, name: String, input: Value },
    ToolResult { tool_use_id: String, content: String, is_error: bool },
    Attachment(Attachment),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: Role,
    pub content: Vec<Block>,
}

impl Message {
    pub fn user(text: impl Into<String>) -> Message {
        Message { role: Role::User, content: vec![Block::Text(text.into())] }
    }

    pub fn assistant(text: impl Into<String>) -> Message {
        Message { role: Role::Assistant, content: vec![Block::Text(text.into())] }
    }

    /// The message's text blocks joined.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A tool the model may call: `input_schema` is a JSON Schema object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
}

/// Runs the tools a chat model asks for. `Err` is sent back to the model as an error result.
pub trait ToolExecutor {
    fn call(&mut self, name: &str, input: &Value) -> Result<Value, String>;
}

impl<F: FnMut(&str, &Value) -> Result<Value, String>> ToolExecutor for F {
    fn call(&mut self, name: &str, input: &Value) -> Result<Value, String> {
        self(name, input)
    }
}

#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub task: String,
    pub system: String,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    pub max_tokens: Option<u32>,
    /// Model turns allowed before giving up (each tool round trip is one turn).
    pub max_turns: usize,
}

/// What a chat loop reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    /// A piece of the assistant's reply, in order.
    TextDelta(String),
    /// The model asked for a tool; the executor is about to run it.
    ToolCall { name: String, input: Value },
    /// The tool's result (or error) that goes back to the model.
    ToolResult { name: String, content: String, is_error: bool },
}

/// One tool call made during a chat, for audit and display.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ToolCallRecord {
    pub name: String,
    pub input: Value,
    pub output: String,
    pub is_error: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatReply {
    /// The final assistant text.
    pub text: String,
    pub tool_calls: Vec<ToolCallRecord>,
    /// The whole conversation including the new assistant and tool-result messages.
    pub messages: Vec<Message>,
    pub provider: ProviderKind,
    pub model: String,
    pub usage: Usage,
    pub stop_reason: String,
}

/// Everything an AI call can fail with, each message saying what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AiError {
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the Claude API at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("Claude API did not answer within {:.1}s", *.after_ms as f64 / 1000.0)]
    Timeout { after_ms: u64 },
    #[error("Claude API still answering HTTP {status} ({message}) after {attempts} attempts; try again later")]
    Exhausted { status: u16, attempts: u32, message: String },
    #[error("Claude API rejected the request (HTTP {status}, {kind}): {message}")]
    Api { status: u16, kind: String, message: String },
    #[error("Claude API sent a response this client cannot read: {0}")]
    Protocol(String),
    #[error("the {task} answer was not valid JSON for its schema, even after one repair request: {detail}")]
    InvalidOutput { task: String, detail: String },
    #[error("the chat used all {0} turns without a final answer")]
    TooManyTurns(usize),
    #[error("no AI task named '{0}'")]
    UnknownTask(String),
    #[error("the offline provider cannot do '{task}': {reason}")]
    Unsupported { task: String, reason: String },
    #[error("invalid input for {task}: {detail}")]
    Input { task: String, detail: String },
    #[error("cannot record the AI run: {0}")]
    Log(String),
}

impl AiError {
    /// Errors that mean the provider could not be used at all (as opposed to a bad request).
    pub fn is_transport(&self) -> bool {
        matches!(self, AiError::Unreachable { .. } | AiError::Timeout { .. } | AiError::Exhausted { .. })
    }
}

/// A provider of AI answers. Object-safe: the gateway holds a `Box<dyn AiProvider>`.
pub trait AiProvider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// The model name recorded with each result (`offline-templates-v1` offline).
    fn model(&self) -> &str;

    /// A JSON answer that `validate` accepts. Providers that talk to a model send one repair
    /// request when the first answer is not valid, then fail with [`AiError::InvalidOutput`].
    fn complete(&self, request: &CompletionRequest, validate: Validator<'_>) -> Result<Completion, AiError>;

    /// Vision: a JSON answer about one image (`media_type` such as `image/jpeg`).
    fn vision(
        &self,
        request: &CompletionRequest,
        media_type: &str,
        image: &[u8],
        validate: Validator<'_>,
    ) -> Result<Completion, AiError> {
        let mut request = request.clone();
        request.attachments.push(Attachment::Image { media_type: media_type.to_string(), data: image.to_vec() });
        self.complete(&request, validate)
    }

    /// Document extraction: a JSON answer about one PDF.
    fn document(
        &self,
        request: &CompletionRequest,
        pdf: &[u8],
        validate: Validator<'_>,
    ) -> Result<Completion, AiError> {
        let mut request = request.clone();
        request.attachments.push(Attachment::Pdf { data: pdf.to_vec() });
        self.complete(&request, validate)
    }

    /// A chat turn loop with tools: the model's text streams to `on_event` as it arrives, tool
    /// calls go to `tools` and their results back to the model until it gives a final answer.
    fn chat(
        &self,
        request: &ChatRequest,
        tools: &mut dyn ToolExecutor,
        on_event: &mut dyn FnMut(ChatEvent),
    ) -> Result<ChatReply, AiError>;
}

/// A typed AI result and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AiOutput<T> {
    pub value: T,
    pub provider: ProviderKind,
    pub model: String,
    pub usage: Usage,
    /// Set when the configured provider failed and the offline provider answered instead.
    pub fallback_reason: Option<String>,
}

impl<T> AiOutput<T> {
    /// `Claude (claude-sonnet-4-20250514)` or `Offline templates (offline-templates-v1)`.
    pub fn source_label(&self) -> String {
        let base = format!("{} ({})", self.provider.label(), self.model);
        match &self.fallback_reason {
            Some(reason) => format!("{base}, fallback: {reason}"),
            None => base,
        }
    }
}

/// A JSON completion validated against `T` and deserialized into it.
pub fn complete_json<T: DeserializeOwned>(
    provider: &dyn AiProvider,
    request: &CompletionRequest,
) -> Result<AiOutput<T>, AiError> {
    let validate = validator_for::<T>();
    let done = provider.complete(request, &validate)?;
    typed(request, done)
}

/// Turns a validated completion into its type (a validated value always converts).
pub(crate) fn typed<T: DeserializeOwned>(
    request: &CompletionRequest,
    done: Completion,
) -> Result<AiOutput<T>, AiError> {
    let value = T::deserialize(&done.value)
        .map_err(|e| AiError::InvalidOutput { task: request.task.clone(), detail: e.to_string() })?;
    Ok(AiOutput { value, provider: done.provider, model: done.model, usage: done.usage, fallback_reason: None })
}
