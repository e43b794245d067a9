//! `ClaudeProvider`: the Anthropic Messages API (`POST /v1/messages`) over blocking reqwest
//! with rustls. This file is the only place that knows that wire format.
//!
//! - JSON completions: one request, the reply's text parsed as JSON and validated; an invalid
//!   answer gets exactly one repair request, then a clear [`AiError::InvalidOutput`].
//! - Vision and documents: base64 `image` / `document` blocks before the prompt text.
//! - Chat: `stream: true`, the SSE events assembled into text and tool calls; tool results go
//!   back as `tool_result` blocks until the model stops asking for tools.
//! - HTTP 429, 500 and 529 are retried with exponential backoff, honouring `retry-after`.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};

use super::provider::{
    AiError, AiProvider, Attachment, Block, ChatEvent, ChatReply, ChatRequest, Completion, CompletionRequest, Message,
    ProviderKind, Role, ToolCallRecord, ToolExecutor, Usage, Validator,
};

/// The model the spec configures (`CLAUDE_MODEL=claude-sonnet-4-20250514`).
pub const DEFAULT_MODEL: &str = "claude-sonnet-4-20250514";
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// `CLAUDE_MAX_TOKENS=4096` in the spec's environment.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Statuses worth retrying: rate limited, internal error, overloaded.
const RETRY_STATUSES: [u16; 3] = [429, 500, 529];

/// Everything the Claude client needs; [`ClaudeConfig::from_lookup`] reads it from the
/// environment (`ANTHROPIC_API_KEY`, `CLAUDE_MODEL`, `CLAUDE_MAX_TOKENS`, `ANTHROPIC_BASE_URL`,
/// `CLAUDE_TIMEOUT_SECS`).
#[derive(Clone, PartialEq, Eq)]
pub struct ClaudeConfig {
    pub api_key: String,
    pub model: String,
    pub base_url: String,
    pub max_tokens: u32,
    /// Whole-request timeout (connect, send, and read the full response).
    pub timeout: Duration,
    /// Attempts in total for a retryable status (1 = no retry).
    pub max_attempts: u32,
    /// First backoff wait; doubled after each retry unless the server sends `retry-after`.
    pub backoff: Duration,
    /// The longest wait between attempts, whatever `retry-after` says.
    pub max_wait: Duration,
}

impl std::fmt::Debug for ClaudeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaudeConfig")
            .field("api_key", &"<redacted>")
            .field("model", &self.model)
            .field("base_url", &self.base_url)
            .field("max_tokens", &self.max_tokens)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl ClaudeConfig {
    pub fn new(api_key: impl Into<String>) -> ClaudeConfig {
        ClaudeConfig {
            api_key: api_key.into(),
            model: DEFAULT_MODEL.into(),
            base_url: DEFAULT_BASE_URL.into(),
            max_tokens: DEFAULT_MAX_TOKENS,
            timeout: Duration::from_secs(120),
            max_attempts: 4,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }

    /// The configuration from named settings (`std::env::var` in the binaries); `None` when no
    /// API key is set.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Option<ClaudeConfig> {
        let set = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut config = ClaudeConfig::new(set("ANTHROPIC_API_KEY")?);
        if let Some(model) = set("CLAUDE_MODEL") {
            config.model = model;
        }
        if let Some(url) = set("ANTHROPIC_BASE_URL") {
            config.base_url = url;
        }
        if let Some(n) = set("CLAUDE_MAX_TOKENS").and_then(|v| v.parse().ok()) {
            config.max_tokens = n;
        }
        if let Some(s) = set("CLAUDE_TIMEOUT_SECS").and_then(|v| v.parse().ok()) {
            config.timeout = Duration::from_secs(s);
        }
        Some(config)
    }

    pub fn endpoint(&self) -> String {
        format!("{}/v1/messages", self.base_url.trim_end_matches('/'))
    }
}

pub struct ClaudeProvider {
    config: ClaudeConfig,
    client: reqwest::blocking::Client,
}

impl ClaudeProvider {
    pub fn new(config: ClaudeConfig) -> Result<ClaudeProvider, AiError> {
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)));
        let url = reqwest::Url::parse(&config.endpoint())
            .map_err(|e| AiError::Config(format!("invalid Claude base URL '{}': {e}", config.base_url)))?;
        if matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) {
            // A local endpoint (a test server, a local gateway) is never reached through a proxy.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| AiError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(ClaudeProvider { config, client })
    }

    pub fn config(&self) -> &ClaudeConfig {
        &self.config
    }

    /// POSTs a Messages API body, retrying 429/500/529; returns the first successful response.
    fn post(&self, body: &Value) -> Result<reqwest::blocking::Response, AiError> {
        let url = self.config.endpoint();
        let bytes = serde_json::to_vec(body).map_err(|e| AiError::Protocol(e.to_string()))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .client
                .post(&url)
                .header("x-api-key", &self.config.api_key)
                .header("anthropic-version", ANTHROPIC_VERSION)
                .header("content-type", "application/json")
                .body(bytes.clone())
                .send();
            let response = match sent {
                Ok(r) => r,
                Err(e) if e.is_timeout() => {
                    return Err(AiError::Timeout { after_ms: self.config.timeout.as_millis() as u64 })
                }
                Err(e) => return Err(AiError::Unreachable { url, detail: error_chain(&e) }),
            };
            let status = response.status().as_u16();
            if response.status().is_success() {
                return Ok(response);
            }
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64);
            let (kind, message) = api_error(response.text().unwrap_or_default());
            if !RETRY_STATUSES.contains(&status) {
                return Err(AiError::Api { status, kind, message });
            }
            if attempt >= self.config.max_attempts {
                return Err(AiError::Exhausted { status, attempts: attempt, message });
            }
            let backoff = self.config.backoff.saturating_mul(1 << (attempt - 1).min(16));
            std::thread::sleep(retry_after.unwrap_or(backoff).min(self.config.max_wait));
        }
    }

    /// One non-streaming call: the reply's text and usage.
    fn create(&self, body: &Value) -> Result<(String, Usage), AiError> {
        let response = self.post(body)?;
        let text = response.text().map_err(|e| {
            if e.is_timeout() {
                AiError::Timeout { after_ms: self.config.timeout.as_millis() as u64 }
            } else {
                AiError::Protocol(format!("reading the response: {e}"))
            }
        })?;
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| AiError::Protocol(format!("response is not JSON ({e}): {}", snippet(&text))))?;
        let content = v
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| AiError::Protocol(format!("response has no content: {}", snippet(&text))))?;
        let reply = content
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<String>();
        Ok((reply, usage_of(v.get("usage"))))
    }

    fn body(&self, system: &str, messages: &[Message], max_tokens: Option<u32>) -> Value {
        json!({
            "model": self.config.model,
            "max_tokens": max_tokens.unwrap_or(self.config.max_tokens),
            "system": system,
            "messages": messages.iter().map(wire_message).collect::<Vec<_>>(),
        })
    }
}

/// The innermost cause ("Connection refused (os error 111)"), which is the part a person can act on.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut innermost = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        innermost = s.to_string();
        source = s.source();
    }
    innermost
}

/// `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` → (kind, message).
fn api_error(body: String) -> (String, String) {
    match serde_json::from_str::<Value>(&body) {
        Ok(v) => {
            let e = v.get("error").unwrap_or(&Value::Null);
            let kind = e.get("type").and_then(Value::as_str).unwrap_or("error").to_string();
            let message = e.get("message").and_then(Value::as_str).unwrap_or("").to_string();
            (kind, message)
        }
        Err(_) => ("error".into(), snippet(&body)),
    }
}

fn snippet(text: &str) -> String {
    let t: String = text.chars().take(120).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn usage_of(v: Option<&Value>) -> Usage {
    let n = |k: &str| v.and_then(|u| u.get(k)).and_then(Value::as_u64).unwrap_or(0);
    Usage { input_tokens: n("input_tokens"), output_tokens: n("output_tokens") }
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A content block in the Messages API shape.
pub fn wire_block(block: &Block) -> Value {
    match block {
        Block::Text(text) => json!({"type": "text", "text": text}),
        Block::ToolUse { id, name, input } => json!({"type": "tool_use", "id": id, "name": name, "input": input}),
        Block::ToolResult { tool_use_id, content, is_error } => {
            let mut v = json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": content});
            if *is_error {
                v["is_error"] = Value::Bool(true);
            }
            v
        }
        Block::Attachment(Attachment::Image { media_type, data }) => json!({
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": b64(data)}
        }),
        Block::Attachment(Attachment::Pdf { data }) => json!({
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": b64(data)}
        }),
    }
}

fn wire_message(m: &Message) -> Value {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    json!({"role": role, "content": m.content.iter().map(wire_block).collect::<Vec<_>>()})
}

/// The JSON object in a model reply: the whole text, a fenced block, or the outermost braces.
pub fn extract_json(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    let unfenced = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.trim_end().strip_suffix("```"))
        .unwrap_or(trimmed)
        .trim();
    if let Ok(v) = serde_json::from_str::<Value>(unfenced) {
        return Ok(v);
    }
    if let (Some(start), Some(end)) = (unfenced.find('{'), unfenced.rfind('}')) {
        if start < end {
            if let Ok(v) = serde_json::from_str::<Value>(&unfenced[start..=end]) {
                return Ok(v);
            }
        }
    }
    match serde_json::from_str::<Value>(unfenced) {
        Ok(v) => Ok(v),
        Err(e) => Err(format!("not JSON ({e}): {}", snippet(unfenced))),
    }
}

impl AiProvider for ClaudeProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Claude
    }

    fn model(&self) -> &str {
        &self.config.model
    }

    fn complete(&self, request: &CompletionRequest, validate: Validator<'_>) -> Result<Completion, AiError> {
        let mut content: Vec<Block> = request.attachments.iter().cloned().map(Block::Attachment).collect();
        content.push(Block::Text(request.prompt.clone()));
        let mut messages = vec![Message { role: Role::User, content }];
        let check = |text: &str| extract_json(text).and_then(|v| validate(&v).map(|_| v));

        let (reply, mut usage) = self.create(&self.body(&request.system, &messages, request.max_tokens))?;
        let problem = match check(&reply) {
            Ok(value) => {
                return Ok(Completion {
                    value,
                    provider: ProviderKind::Claude,
                    model: self.config.model.clone(),
                    usage,
                    repaired: false,
                })
            }
            Err(problem) => problem,
        };
        messages.push(Message::assistant(if reply.is_empty() { "(empty reply)".to_string() } else { reply }));
        messages.push(Message::user(format!(
            "Your reply could not be used: {problem}. Reply again with only the corrected JSON object, no prose and \
             no code fences, matching this JSON Schema:\n{}",
            request.output_schema
        )));
        let (reply, more) = self.create(&self.body(&request.system, &messages, request.max_tokens))?;
        usage.add(more);
        match check(&reply) {
            Ok(value) => Ok(Completion {
                value,
                provider: ProviderKind::Claude,
                model: self.config.model.clone(),
                usage,
                repaired: true,
            }),
            Err(detail) => Err(AiError::InvalidOutput { task: request.task.clone(), detail }),
        }
    }

    fn chat(
        &self,
        request: &ChatRequest,
        tools: &mut dyn ToolExecutor,
        on_event: &mut dyn FnMut(ChatEvent),
    ) -> Result<ChatReply, AiError> {
        let mut messages = request.messages.clone();
        let mut usage = Usage::default();
        let mut calls = Vec::new();
        for _ in 0..request.max_turns.max(1) {
            let mut body = self.body(&request.system, &messages, request.max_tokens);
            body["stream"] = Value::Bool(true);
            if !request.tools.is_empty() {
                body["tools"] = serde_json::to_value(&request.tools).map_err(|e| AiError::Protocol(e.to_string()))?;
            }
            let response = self.post(&body)?;
            let streamed =
                read_stream(BufReader::new(response), &mut |t| on_event(ChatEvent::TextDelta(t.to_string())))?;
            usage.add(streamed.usage);
            let assistant = Message { role: Role::Assistant, content: streamed.content };
            messages.push(assistant.clone());
            if streamed.stop_reason != "tool_use" {
                return Ok(ChatReply {
                    text: assistant.text(),
                    tool_calls: calls,
                    messages,
                    provider: ProviderKind::Claude,
                    model: self.config.model.clone(),
                    usage,
                    stop_reason: streamed.stop_reason,
                });
            }
            let mut results = Vec::new();
            for block in &assistant.content {
                if let Block::ToolUse { id, name, input } = block {
                    on_event(ChatEvent::ToolCall { name: name.clone(), input: input.clone() });
                    let (content, is_error) = match tools.call(name, input) {
                        Ok(Value::String(s)) => (s, false),
                        Ok(v) => (v.to_string(), false),
                        Err(e) => (e, true),
                    };
                    on_event(ChatEvent::ToolResult { name: name.clone(), content: content.clone(), is_error });
                    calls.push(ToolCallRecord {
                        name: name.clone(),
                        input: input.clone(),
                        output: content.clone(),
                        is_error,
                    });
                    results.push(Block::ToolResult { tool_use_id: id.clone(), content, is_error });
                }
            }
            if results.is_empty() {
                return Err(AiError::Protocol("stop_reason was tool_use but the reply has no tool_use block".into()));
            }
            messages.push(Message { role: Role::User, content: results });
        }
        Err(AiError::TooManyTurns(request.max_turns.max(1)))
    }
}

/// One streamed assistant message, assembled.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    pub content: Vec<Block>,
    pub stop_reason: String,
    pub usage: Usage,
}

enum Partial {
    Text(String),
    Tool { id: String, name: String, json: String },
    Done(Block),
    Other,
}

/// Assembles a Messages API SSE stream: `message_start`, `content_block_start`,
/// `content_block_delta` (`text_delta`, `input_json_delta`), `content_block_stop`,
/// `message_delta`, `message_stop`, `ping` and `error`. Text deltas go to `on_text` as they
/// arrive; unknown event types are skipped, as the API asks.
pub fn read_stream(reader: impl BufRead, on_text: &mut dyn FnMut(&str)) -> Result<Streamed, AiError> {
    let mut state = Assembler::default();
    let mut data = String::new();
    let mut lines = reader.lines();
    loop {
        let line = match lines.next() {
            Some(l) => Some(l.map_err(|e| AiError::Protocol(format!("reading the event stream: {e}")))?),
            None => None,
        };
        match line.as_deref().map(|l| l.trim_end_matches('\r')) {
            Some(l) if l.starts_with("data:") => {
                let d = &l["data:".len()..];
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(d.strip_prefix(' ').unwrap_or(d));
                continue;
            }
            // `event:`, `id:` and comments: the event type is repeated inside `data`.
            Some(l) if !l.is_empty() => continue,
            _ => {}
        }
        if !data.is_empty() {
            state.event(&data, on_text)?;
            data.clear();
        }
        if line.is_none() || state.finished {
            break;
        }
    }
    state.finish()
}

#[derive(Default)]
struct Assembler {
    blocks: Vec<Partial>,
    usage: Usage,
    stop_reason: String,
    finished: bool,
}

impl Assembler {
    fn finish(self) -> Result<Streamed, AiError> {
        if !self.finished {
            return Err(AiError::Protocol("the event stream ended before message_stop".into()));
        }
        let content = self
            .blocks
            .into_iter()
            .filter_map(|p| match p {
                Partial::Done(b) => Some(b),
                Partial::Text(t) => Some(Block::Text(t)),
                _ => None,
            })
            .collect();
        Ok(Streamed { content, stop_reason: self.stop_reason, usage: self.usage })
    }

    fn event(&mut self, data: &str, on_text: &mut dyn FnMut(&str)) -> Result<(), AiError> {
        let event: Value = serde_json::from_str(data)
            .map_err(|e| AiError::Protocol(format!("event data is not JSON ({e}): {}", snippet(data))))?;
        let index = event.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        match event.get("type").and_then(Value::as_str).unwrap_or("") {
            "message_start" => self.usage.add(usage_of(event.pointer("/message/usage"))),
            "content_block_start" => {
                let b = event.get("content_block").cloned().unwrap_or(Value::Null);
                let partial = match b.get("type").and_then(Value::as_str) {
                    Some("text") => Partial::Text(b.get("text").and_then(Value::as_str).unwrap_or("").to_string()),
                    Some("tool_use") => Partial::Tool {
                        id: b.get("id").and_then(Value::as_str).unwrap_or("").to_string(),
                        name: b.get("name").and_then(Value::as_str).unwrap_or("").to_string(),
                        json: String::new(),
                    },
                    _ => Partial::Other,
                };
                while self.blocks.len() <= index {
                    self.blocks.push(Partial::Other);
                }
                self.blocks[index] = partial;
            }
            "content_block_delta" => {
                let delta = event.get("delta").cloned().unwrap_or(Value::Null);
                match (self.blocks.get_mut(index), delta.get("type").and_then(Value::as_str)) {
                    (Some(Partial::Text(text)), Some("text_delta")) => {
                        let piece = delta.get("text").and_then(Value::as_str).unwrap_or("");
                        text.push_str(piece);
                        on_text(piece);
                    }
                    (Some(Partial::Tool { json, .. }), Some("input_json_delta")) => {
                        json.push_str(delta.get("partial_json").and_then(Value::as_str).unwrap_or(""));
                    }
                    (None, _) => {
                        return Err(AiError::Protocol(format!("content_block_delta for unknown block {index}")));
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(slot) = self.blocks.get_mut(index) {
                    let done = match std::mem::replace(slot, Partial::Other) {
                        Partial::Text(t) => Partial::Done(Block::Text(t)),
                        Partial::Tool { id, name, json } => {
                            let input = if json.trim().is_empty() {
                                json!({})
                            } else {
                                serde_json::from_str(&json).map_err(|e| {
                                    AiError::Protocol(format!(
                                        "tool {name} input is not JSON ({e}): {}",
                                        snippet(&json)
                                    ))
                                })?
                            };
                            Partial::Done(Block::ToolUse { id, name, input })
                        }
                        other => other,
                    };
                    *slot = done;
                }
            }
            "message_delta" => {
                if let Some(r) = event.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    self.stop_reason = r.to_string();
                }
                if let Some(n) = event.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                    self.usage.output_tokens = n;
                }
            }
            "message_stop" => self.finished = true,
            "error" => {
                let kind = event.pointer("/error/type").and_then(Value::as_str).unwrap_or("error").to_string();
                let message = event.pointer("/error/message").and_then(Value::as_str).unwrap_or("").to_string();
                return Err(AiError::Api { status: 200, kind, message });
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_found_in_the_shapes_models_reply_with() {
        let cases: [(&str, Result<Value, &str>); 6] = [
            (r#"{"a": 1}"#, Ok(json!({"a": 1}))),
            ("```json\n{\"a\": 1}\n```", Ok(json!({"a": 1}))),
            ("```\n{\"a\": 1}\n```\n", Ok(json!({"a": 1}))),
            ("Here is the JSON:\n{\"a\": {\"b\": 2}}\nLet me know!", Ok(json!({"a": {"b": 2}}))),
            ("Dear Maria, thank you", Err("not JSON")),
            (r#"{"a": 1"#, Err("not JSON")),
        ];
        for (text, expected) in cases {
            match (extract_json(text), expected) {
                (Ok(v), Ok(e)) => assert_eq!(v, e, "{text}"),
                (Err(msg), Err(prefix)) => assert!(msg.starts_with(prefix), "{text}: {msg}"),
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn sse_with_crlf_line_endings_and_unknown_events() {
        let stream = "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}\r\n\r\n\
event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n\
event: some_future_event\r\ndata: {\"type\":\"some_future_event\"}\r\n\r\n\
event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\r\n\r\n\
event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":0}\r\n\r\n\
event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\r\n\r\n\
event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n";
        let mut seen = String::new();
        let s = read_stream(stream.as_bytes(), &mut |t| seen.push_str(t)).unwrap();
        assert_eq!(s.content, vec![Block::Text("Hi".into())]);
        assert_eq!((s.stop_reason.as_str(), s.usage), ("end_turn", Usage { input_tokens: 7, output_tokens: 3 }));
        assert_eq!(seen, "Hi");
    }

    #[test]
    fn a_stream_cut_short_is_an_error() {
        let stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n";
        let err = read_stream(stream.as_bytes(), &mut |_| {}).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Claude API sent a response this client cannot read: the event stream ended before message_stop"
        );
    }
}
