//! The offline provider: deterministic answers with no network, from the registry's offline
//! implementations. Tasks that genuinely need a model say so instead of inventing an answer.

use serde_json::Value;

use super::prompts;
use super::provider::{
    AiError, AiProvider, Block, ChatEvent, ChatReply, ChatRequest, Completion, CompletionRequest, Message,
    ProviderKind, Role, ToolCallRecord, ToolExecutor, Usage, Validator,
};

/// The model name recorded for offline results.
pub const OFFLINE_MODEL: &str = "offline-templates-v1";

#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

impl AiProvider for OfflineProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Offline
    }

    fn model(&self) -> &str {
        OFFLINE_MODEL
    }

    fn complete(&self, request: &CompletionRequest, validate: Validator<'_>) -> Result<Completion, AiError> {
        let task = prompts::find(&request.task)?;
        if !request.attachments.is_empty() {
            return Err(AiError::Unsupported {
                task: request.task.clone(),
                reason: "reading images or PDFs offline is not available for this task".into(),
            });
        }
        let value = (task.offline)(&request.input)?.ok_or_else(|| AiError::Unsupported {
            task: request.task.clone(),
            reason: "this task needs a model; configure ANTHROPIC_API_KEY".into(),
        })?;
        validate(&value)
            .and_then(|_| (task.validate)(&request.input, &value))
            .map_err(|detail| AiError::InvalidOutput { task: request.task.clone(), detail })?;
        Ok(Completion {
            value,
            provider: ProviderKind::Offline,
            model: OFFLINE_MODEL.into(),
            usage: Usage::default(),
            repaired: false,
        })
    }

    /// Offline chat routes the question to the tool whose name and description share the most
    /// words with it, runs it when it needs no arguments, and reports its result as it is. When
    /// no tool fits it lists what it can answer instead of guessing.
    fn chat(
        &self,
        request: &ChatRequest,
        tools: &mut dyn ToolExecutor,
        on_event: &mut dyn FnMut(ChatEvent),
    ) -> Result<ChatReply, AiError> {
        let question =
            request.messages.iter().rev().find(|m| m.role == Role::User).map(Message::text).unwrap_or_default();
        let asked = words(&question);
        let best = request
            .tools
            .iter()
            .filter(|t| !needs_arguments(&t.input_schema))
            .map(|t| (asked.iter().filter(|w| words(&format!("{} {}", t.name, t.description)).contains(w)).count(), t))
            .filter(|(score, _)| *score > 0)
            .max_by_key(|(score, t)| (*score, std::cmp::Reverse(t.name.clone())));
        let mut messages = request.messages.clone();
        let mut calls = Vec::new();
        let text = match best {
            Some((_, tool)) => {
                let input = Value::Object(Default::default());
                on_event(ChatEvent::ToolCall { name: tool.name.clone(), input: input.clone() });
                let (content, is_error) = match tools.call(&tool.name, &input) {
                    Ok(v) => (serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string()), false),
                    Err(e) => (e, true),
                };
                on_event(ChatEvent::ToolResult { name: tool.name.clone(), content: content.clone(), is_error });
                let id = "offline_tool_1".to_string();
                messages.push(Message {
                    role: Role::Assistant,
                    content: vec![Block::ToolUse { id: id.clone(), name: tool.name.clone(), input: input.clone() }],
                });
                messages.push(Message {
                    role: Role::User,
                    content: vec![Block::ToolResult { tool_use_id: id, content: content.clone(), is_error }],
                });
                calls.push(ToolCallRecord { name: tool.name.clone(), input, output: content.clone(), is_error });
                if is_error {
                    format!("(offline) {} failed: {content}", tool.name)
                } else {
                    format!("(offline) From {}:\n{content}", tool.name)
                }
            }
            None => {
                let names: Vec<&str> = request.tools.iter().map(|t| t.name.as_str()).collect();
                if names.is_empty() {
                    "(offline) Chat needs Claude for free-form answers; configure ANTHROPIC_API_KEY.".to_string()
                } else {
                    format!(
                        "(offline) I could not match that question to a tool. Offline I can answer with: {}.",
                        names.join(", ")
                    )
                }
            }
        };
        on_event(ChatEvent::TextDelta(text.clone()));
        messages.push(Message::assistant(text.clone()));
        Ok(ChatReply {
            text,
            tool_calls: calls,
            messages,
            provider: ProviderKind::Offline,
            model: OFFLINE_MODEL.into(),
            usage: Usage::default(),
            stop_reason: "end_turn".into(),
        })
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .map(|w| w.to_lowercase().trim_end_matches('s').to_string())
        .collect()
}

fn needs_arguments(schema: &Value) -> bool {
    schema.get("required").and_then(Value::as_array).is_some_and(|r| !r.is_empty())
}
