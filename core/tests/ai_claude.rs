//! `ClaudeProvider` against a fake Messages API on loopback: each test starts a tiny HTTP server
//! on 127.0.0.1 port 0 that replays recorded API responses byte for byte and keeps the requests
//! it received, so the wire format of both directions is checked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use unitcycle_core::ai::letters::{Channel, Draft};
use unitcycle_core::ai::provider::{
    complete_json, validator_for, AiProvider, Block, ChatEvent, ChatRequest, CompletionRequest, Message, Role, ToolSpec,
};
use unitcycle_core::ai::{AiError, ClaudeConfig, ClaudeProvider, ProviderKind};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/anthropic/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// One canned HTTP response: status line, extra headers, body bytes as recorded.
struct Reply {
    status: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
    /// SSE: no content-length, the body ends when the connection closes.
    stream: bool,
}

fn json_reply(status: &'static str, file: &str) -> Reply {
    Reply {
        status,
        headers: vec![("content-type", "application/json"), ("request-id", "req_011CQfW9Yxq2h8f3N5vTb7cZ")],
        body: fixture(file),
        stream: false,
    }
}

fn sse_reply(file: &str) -> Reply {
    Reply {
        status: "200 OK",
        headers: vec![("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")],
        body: fixture(file),
        stream: true,
    }
}

#[derive(Debug, Clone)]
struct Received {
    head: String,
    body: Value,
}

impl Received {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

struct Fake {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    /// Serves `replies` in order, one per connection, then stops.
    fn start(replies: Vec<Reply>) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let thread = std::thread::spawn(move || {
            for reply in replies {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                log.lock().unwrap().push(Received { head, body: serde_json::from_slice(&body).unwrap() });
                let mut out = format!("HTTP/1.1 {}\r\n", reply.status);
                for (k, v) in &reply.headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                if !reply.stream {
                    out.push_str(&format!("content-length: {}\r\n", reply.body.len()));
                }
                out.push_str("connection: close\r\n\r\n");
                let mut stream = reader.into_inner();
                stream.write_all(out.as_bytes()).unwrap();
                stream.write_all(&reply.body).unwrap();
                stream.flush().unwrap();
            }
        });
        Fake { url, received, thread: Some(thread) }
    }

    fn provider(&self) -> ClaudeProvider {
        let mut config = ClaudeConfig::new("sk-ant-test-key");
        config.base_url = self.url.clone();
        config.backoff = Duration::from_millis(10);
        config.max_attempts = 3;
        config.timeout = Duration::from_secs(10);
        ClaudeProvider::new(config).unwrap()
    }

    fn received(&mut self) -> Vec<Received> {
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.received.lock().unwrap().clone()
    }
}

fn letter_request() -> CompletionRequest {
    CompletionRequest {
        task: "renewal_letter".into(),
        system: "You are the leasing assistant.".into(),
        prompt: "Draft a personalized renewal offer letter for tenant Maria Santos at unit 1624B, Cedar Court.".into(),
        input: json!({}),
        output_schema: json!({"type": "object", "required": ["channel", "body"]}),
        attachments: vec![],
        max_tokens: Some(1024),
    }
}

#[test]
fn json_completion_speaks_the_messages_api() {
    let mut fake = Fake::start(vec![json_reply("200 OK", "renewal_letter_message.json")]);
    let out = complete_json::<Draft>(&fake.provider(), &letter_request()).unwrap();
    assert_eq!(out.value.channel, Channel::Sms);
    assert!(out.value.body.starts_with("Hi Maria, your lease at Cedar Court unit 1624B"));
    assert_eq!((out.provider, out.model.as_str()), (ProviderKind::Claude, "claude-sonnet-4-20250514"));
    assert_eq!((out.usage.input_tokens, out.usage.output_tokens), (412, 71));

    let sent = fake.received();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].head.starts_with("POST /v1/messages HTTP/1.1\r\n"), "{}", sent[0].head);
    assert_eq!(sent[0].header("x-api-key").as_deref(), Some("sk-ant-test-key"));
    assert_eq!(sent[0].header("anthropic-version").as_deref(), Some("2023-06-01"));
    assert_eq!(sent[0].header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        sent[0].body,
        json!({
            "model": "claude-sonnet-4-20250514",
            "max_tokens": 1024,
            "system": "You are the leasing assistant.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": letter_request().prompt}]}]
        })
    );
}

#[derive(Debug, Deserialize, PartialEq)]
struct PhotoAnalysis {
    classification: String,
    confidence: f64,
    description: String,
    damage_items: Vec<Value>,
}

#[test]
fn vision_sends_a_base64_image_block_before_the_text() {
    let jpeg: Vec<u8> = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0xFF, 0xD9];
    let mut fake = Fake::start(vec![json_reply("200 OK", "photo_message.json")]);
    let mut request = letter_request();
    request.task = "photo_analysis".into();
    request.prompt = "Analyze this move-out inspection photo.".into();
    let validate = validator_for::<PhotoAnalysis>();
    let done = fake.provider().vision(&request, "image/jpeg", &jpeg, &validate).unwrap();
    assert_eq!(done.value["classification"], "damage", "the fenced JSON reply is read");
    assert_eq!(done.value["damage_items"][0]["estimated_cost"], json!(150.0));

    let sent = fake.received();
    assert_eq!(
        sent[0].body["messages"][0]["content"],
        json!([
            {"type": "image", "source": {
                "type": "base64",
                "media_type": "image/jpeg",
                "data": base64::engine::general_purpose::STANDARD.encode(&jpeg)
            }},
            {"type": "text", "text": "Analyze this move-out inspection photo."}
        ])
    );
    assert_eq!(sent[0].body["messages"][0]["content"][0]["source"]["data"], "/9j/4AAQSkZJRgD/2Q==");
}

#[test]
fn document_sends_a_base64_pdf_document_block() {
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let mut fake = Fake::start(vec![json_reply("200 OK", "invoice_message.json")]);
    let mut request = letter_request();
    request.task = "invoice_extraction".into();
    request.prompt = "Extract all fields from this vendor invoice PDF.".into();
    let validate = |v: &Value| if v.get("invoice_number").is_some() { Ok(()) } else { Err("no invoice_number".into()) };
    let done = fake.provider().document(&request, &pdf, &validate).unwrap();
    assert_eq!(done.value["vendor_name"], "Lone Star Plumbing");

    let sent = fake.received();
    assert_eq!(
        sent[0].body["messages"][0]["content"][0],
        json!({"type": "document", "source": {
            "type": "base64",
            "media_type": "application/pdf",
            "data": base64::engine::general_purpose::STANDARD.encode(&pdf)
        }})
    );
    assert_eq!(sent[0].body["messages"][0]["content"][1]["type"], "text");
}

fn lease_tool() -> ToolSpec {
    ToolSpec {
        name: "lease_lookup".into(),
        description: "Look up a lease by its lease number".into(),
        input_schema: json!({
            "type": "object",
            "properties": {"lease_number": {"type": "string"}},
            "required": ["lease_number"]
        }),
    }
}

fn chat_request() -> ChatRequest {
    ChatRequest {
        task: "portfolio_chat".into(),
        system: "You answer questions about the portfolio using the tools.".into(),
        messages: vec![Message::user("When does lease L-000001 end?")],
        tools: vec![lease_tool()],
        max_tokens: Some(1024),
        max_turns: 4,
    }
}

#[test]
fn two_step_tool_use_loop_with_streamed_replies() {
    let mut fake = Fake::start(vec![sse_reply("chat_tool_use.sse"), sse_reply("chat_final.sse")]);
    let mut executed = Vec::new();
    let mut tools = |name: &str, input: &Value| {
        executed.push((name.to_string(), input.clone()));
        Ok(
            json!({"lease_number": "L-000001", "tenant": "Maria Santos", "unit": "1624B", "lease_end_date": "2026-03-31", "monthly_rent": "1100.00"}),
        )
    };
    let mut events = Vec::new();
    let reply = fake.provider().chat(&chat_request(), &mut tools, &mut |e| events.push(e)).unwrap();

    assert_eq!(executed, vec![("lease_lookup".to_string(), json!({"lease_number": "L-000001"}))]);
    assert_eq!(reply.text, "Lease L-000001 (Maria Santos, unit 1624B) ends on Mar 31, 2026 at $1,100.00 per month.");
    assert_eq!(reply.stop_reason, "end_turn");
    assert_eq!((reply.usage.input_tokens, reply.usage.output_tokens), (472 + 598, 71 + 29));
    assert_eq!(reply.tool_calls.len(), 1);
    let deltas: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        deltas,
        [
            "I'll look up",
            " that lease.",
            "Lease L-000001",
            " (Maria Santos, unit 1624B) ends on",
            " Mar 31, 2026 at $1,100.00 per month."
        ]
    );
    assert!(matches!(&events[2], ChatEvent::ToolCall { name, .. } if name == "lease_lookup"));

    let sent = fake.received();
    assert_eq!(sent.len(), 2);
    let first = &sent[0].body;
    assert_eq!(first["stream"], true);
    assert_eq!(
        first["tools"],
        json!([{
            "name": "lease_lookup",
            "description": "Look up a lease by its lease number",
            "input_schema": {"type": "object", "properties": {"lease_number": {"type": "string"}}, "required": ["lease_number"]}
        }])
    );
    let second = &sent[1].body["messages"];
    assert_eq!(second.as_array().unwrap().len(), 3);
    assert_eq!(
        second[1],
        json!({"role": "assistant", "content": [
            {"type": "text", "text": "I'll look up that lease."},
            {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "lease_lookup", "input": {"lease_number": "L-000001"}}
        ]})
    );
    assert_eq!(second[2]["role"], "user");
    assert_eq!(second[2]["content"][0]["type"], "tool_result");
    assert_eq!(second[2]["content"][0]["tool_use_id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    let result: Value = serde_json::from_str(second[2]["content"][0]["content"].as_str().unwrap()).unwrap();
    assert_eq!(result["tenant"], "Maria Santos");
    assert!(second[2]["content"][0].get("is_error").is_none());
}

#[test]
fn a_failing_tool_goes_back_to_the_model_as_an_error_result() {
    let mut fake = Fake::start(vec![sse_reply("chat_tool_use.sse"), sse_reply("chat_final.sse")]);
    let mut tools = |_: &str, _: &Value| Err("lease L-000001 not found".to_string());
    let reply = fake.provider().chat(&chat_request(), &mut tools, &mut |_| {}).unwrap();
    assert!(reply.tool_calls[0].is_error);
    let sent = fake.received();
    assert_eq!(
        sent[1].body["messages"][2]["content"][0],
        json!({"type": "tool_result", "tool_use_id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "content": "lease L-000001 not found", "is_error": true})
    );
}

#[test]
fn streamed_reply_is_assembled_from_sse_events() {
    let mut fake = Fake::start(vec![sse_reply("chat_final.sse")]);
    let mut streamed = String::new();
    let mut request = chat_request();
    request.tools.clear();
    let reply = fake
        .provider()
        .chat(&request, &mut |_: &str, _: &Value| Err("no tools".to_string()), &mut |e| {
            if let ChatEvent::TextDelta(t) = e {
                streamed.push_str(&t);
            }
        })
        .unwrap();
    assert_eq!(streamed, reply.text);
    assert_eq!(reply.messages.last().unwrap().role, Role::Assistant);
    assert_eq!(reply.messages.last().unwrap().content, vec![Block::Text(reply.text.clone())]);
    assert!(fake.received()[0].body.get("tools").is_none(), "no tools, no tools field");
}

#[test]
fn an_error_event_mid_stream_is_a_clear_error() {
    let mut fake = Fake::start(vec![sse_reply("chat_overloaded_midstream.sse")]);
    let err = fake.provider().chat(&chat_request(), &mut |_: &str, _: &Value| Ok(json!({})), &mut |_| {}).unwrap_err();
    assert_eq!(err, AiError::Api { status: 200, kind: "overloaded_error".into(), message: "Overloaded".into() });
    fake.received();
}

#[test]
fn rate_limited_429_waits_for_retry_after_then_succeeds() {
    let mut limited = json_reply("429 Too Many Requests", "rate_limit_error.json");
    limited.headers.push(("retry-after", "1"));
    limited.headers.push(("anthropic-ratelimit-input-tokens-remaining", "0"));
    let mut fake = Fake::start(vec![limited, json_reply("200 OK", "renewal_letter_message.json")]);
    let started = Instant::now();
    let out = complete_json::<Draft>(&fake.provider(), &letter_request()).unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "retry-after: 1 is honoured (waited {waited:?}, backoff is 10 ms)");
    assert_eq!(out.value.channel, Channel::Sms);
    let sent = fake.received();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body, "the same request is retried");
}

#[test]
fn overloaded_529_until_attempts_run_out_is_a_clear_error() {
    let replies = (0..3).map(|_| json_reply("529 Overloaded", "overloaded_error.json")).collect();
    let mut fake = Fake::start(replies);
    let err = complete_json::<Draft>(&fake.provider(), &letter_request()).unwrap_err();
    assert_eq!(err, AiError::Exhausted { status: 529, attempts: 3, message: "Overloaded".into() });
    assert_eq!(err.to_string(), "Claude API still answering HTTP 529 (Overloaded) after 3 attempts; try again later");
    assert_eq!(fake.received().len(), 3);
}

#[test]
fn server_error_500_is_retried() {
    let mut fake = Fake::start(vec![
        json_reply("500 Internal Server Error", "overloaded_error.json"),
        json_reply("200 OK", "renewal_letter_message.json"),
    ]);
    assert!(complete_json::<Draft>(&fake.provider(), &letter_request()).is_ok());
    assert_eq!(fake.received().len(), 2);
}

#[test]
fn a_bad_request_is_not_retried() {
    let mut fake = Fake::start(vec![json_reply("400 Bad Request", "invalid_request_error.json")]);
    let err = complete_json::<Draft>(&fake.provider(), &letter_request()).unwrap_err();
    assert!(matches!(&err, AiError::Api { status: 400, kind, .. } if kind == "invalid_request_error"), "{err}");
    assert_eq!(fake.received().len(), 1);
}

#[test]
fn malformed_output_gets_one_repair_request_then_a_clear_error() {
    let mut fake =
        Fake::start(vec![json_reply("200 OK", "prose_message.json"), json_reply("200 OK", "prose_message.json")]);
    let err = complete_json::<Draft>(&fake.provider(), &letter_request()).unwrap_err();
    match &err {
        AiError::InvalidOutput { task, detail } => {
            assert_eq!(task, "renewal_letter");
            assert!(detail.starts_with("not JSON"), "{detail}");
        }
        other => panic!("expected InvalidOutput, got {other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with("the renewal_letter answer was not valid JSON for its schema, even after one repair request"));

    let sent = fake.received();
    assert_eq!(sent.len(), 2, "exactly one repair attempt");
    let repair = sent[1].body["messages"].as_array().unwrap();
    assert_eq!(repair.len(), 3);
    assert_eq!(repair[1]["role"], "assistant");
    assert!(repair[1]["content"][0]["text"].as_str().unwrap().starts_with("Dear Maria"));
    let ask = repair[2]["content"][0]["text"].as_str().unwrap();
    assert!(ask.starts_with("Your reply could not be used: not JSON"), "{ask}");
    assert!(ask.contains("\"required\":[\"channel\",\"body\"]"), "the schema is restated: {ask}");
}

#[test]
fn a_repair_that_works_is_used() {
    let mut fake = Fake::start(vec![
        json_reply("200 OK", "prose_message.json"),
        json_reply("200 OK", "renewal_letter_message.json"),
    ]);
    let validate = validator_for::<Draft>();
    let done = fake.provider().complete(&letter_request(), &validate).unwrap();
    assert!(done.repaired);
    assert_eq!((done.usage.input_tokens, done.usage.output_tokens), (412 + 412, 39 + 71));
    assert_eq!(fake.received().len(), 2);
}

#[test]
fn closed_port_is_unreachable_not_a_panic() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = format!("http://127.0.0.1:{port}");
    let err = complete_json::<Draft>(&ClaudeProvider::new(config).unwrap(), &letter_request()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!("cannot reach the Claude API at http://127.0.0.1:{port}/v1/messages")),
        "{err}"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hold = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        drop(stream);
    });
    let mut config = ClaudeConfig::new("sk-ant-test-key");
    config.base_url = url;
    config.timeout = Duration::from_millis(300);
    let err = complete_json::<Draft>(&ClaudeProvider::new(config).unwrap(), &letter_request()).unwrap_err();
    assert_eq!(err, AiError::Timeout { after_ms: 300 });
    assert_eq!(err.to_string(), "Claude API did not answer within 0.3s");
    hold.join().unwrap();
}

#[test]
fn configuration_comes_from_the_environment_names() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    };
    assert_eq!(ClaudeConfig::from_lookup(env(&[])), None, "no key, no Claude");
    assert_eq!(ClaudeConfig::from_lookup(env(&[("ANTHROPIC_API_KEY", "  ")])), None);
    let c = ClaudeConfig::from_lookup(env(&[("ANTHROPIC_API_KEY", "sk-ant-x")])).unwrap();
    assert_eq!(
        (c.model.as_str(), c.max_tokens, c.endpoint().as_str()),
        ("claude-sonnet-4-20250514", 4096, "https://api.anthropic.com/v1/messages")
    );
    let c = ClaudeConfig::from_lookup(env(&[
        ("ANTHROPIC_API_KEY", "sk-ant-x"),
        ("CLAUDE_MODEL", "claude-opus-4-1"),
        ("CLAUDE_MAX_TOKENS", "2048"),
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/"),
    ]))
    .unwrap();
    assert_eq!(
        (c.model.as_str(), c.max_tokens, c.endpoint().as_str()),
        ("claude-opus-4-1", 2048, "http://127.0.0.1:9/v1/messages")
    );
    assert!(!format!("{c:?}").contains("sk-ant-x"), "the key never appears in debug output");
}

fn renewal_input(channel: Channel) -> unitcycle_core::ai::letters::RenewalLetterInput {
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;
    unitcycle_core::ai::letters::RenewalLetterInput {
        recipient: unitcycle_core::ai::letters::Recipient {
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
        channel,
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, 1, 15, 9, 30, 0).unwrap()
}

#[test]
fn the_gateway_records_claude_tokens_and_labels_the_result() {
    use unitcycle_core::ai::prompts::RenewalLetter;
    use unitcycle_core::ai::{Gateway, MemoryLog, RunOutcome};
    let mut fake = Fake::start(vec![json_reply("200 OK", "renewal_letter_message.json")]);
    let gateway = Gateway::with_provider(Box::new(fake.provider()), "test".into());
    let log = MemoryLog::default();
    let out = gateway.run::<RenewalLetter>(&renewal_input(Channel::Sms), &log, now()).unwrap();
    assert_eq!(out.source_label(), "Claude (claude-sonnet-4-20250514)");
    assert!(out.value.body.contains("$1,150.00/mo"));
    let runs = log.runs();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].provider, runs[0].outcome), (ProviderKind::Claude, RunOutcome::Succeeded));
    assert_eq!((runs[0].input_tokens, runs[0].output_tokens), (412, 71));
    let sent = fake.received();
    let system = sent[0].body["system"].as_str().unwrap();
    assert!(system.contains("Respond with one JSON object"), "{system}");
    let prompt = sent[0].body["messages"][0]["content"][0]["text"].as_str().unwrap();
    assert!(prompt.contains("Channel: sms. One SMS segment: the body must be at most 160 characters"), "{prompt}");
}

#[test]
fn an_answer_that_breaks_the_task_rules_is_repaired_then_falls_back_offline() {
    use unitcycle_core::ai::prompts::RenewalLetter;
    use unitcycle_core::ai::{Gateway, MemoryLog, RunOutcome};
    // The fixture is an SMS draft; asking for an email makes it fail the task's check twice.
    let mut fake = Fake::start(vec![
        json_reply("200 OK", "renewal_letter_message.json"),
        json_reply("200 OK", "renewal_letter_message.json"),
    ]);
    let gateway = Gateway::with_provider(Box::new(fake.provider()), "test".into());
    let log = MemoryLog::default();
    let out = gateway.run::<RenewalLetter>(&renewal_input(Channel::Email), &log, now()).unwrap();
    assert_eq!(out.provider, ProviderKind::Offline);
    assert_eq!(
        out.fallback_reason.as_deref(),
        Some("Claude failed: the renewal_letter answer was not valid JSON for its schema, even after one repair request: channel must be email")
    );
    assert_eq!(out.value.channel, Channel::Email);
    let runs = log.runs();
    assert_eq!(
        runs.iter().map(|r| (r.provider, r.outcome)).collect::<Vec<_>>(),
        [(ProviderKind::Claude, RunOutcome::Failed), (ProviderKind::Offline, RunOutcome::Fallback)]
    );
    let sent = fake.received();
    let ask = sent[1].body["messages"][2]["content"][0]["text"].as_str().unwrap();
    assert!(ask.starts_with("Your reply could not be used: channel must be email."), "{ask}");
}

/// A demo replica and a conversation of its manager's, for the portfolio chat through Claude.
fn chat_replica() -> (unitcycle_core::store::Store, uuid::Uuid) {
    use unitcycle_core::portfolio_chat::workflow as wf;
    let mut store = unitcycle_core::store::Store::in_memory().unwrap();
    let day = now().date_naive();
    unitcycle_core::demo::generate(&mut store, &unitcycle_core::demo::DemoConfig { units: 60, seed: 2, today: day })
        .unwrap();
    let c = wf::create_conversation(&mut store, uuid::Uuid::from_bytes([7; 16]), "pat@example.com", "", now()).unwrap();
    (store, c.id)
}

#[test]
fn portfolio_chat_through_claude_runs_the_specs_tool_and_keeps_its_rows() {
    use unitcycle_core::portfolio_chat::workflow as wf;
    let mut fake = Fake::start(vec![sse_reply("portfolio_chat_tool_use.sse"), sse_reply("portfolio_chat_final.sse")]);
    let gateway = unitcycle_core::ai::Gateway::with_provider(Box::new(fake.provider()), "fake Messages API".into());
    let (mut store, id) = chat_replica();
    let mut events = Vec::new();
    let (_, reply) = wf::send_message(
        &mut store,
        &gateway,
        id,
        "pat@example.com",
        "How much vacancy do we have?",
        now(),
        &mut |e| events.push(e),
    )
    .unwrap();
    assert_eq!(reply.content, "The vacant units and their market rents are in the table below.");
    assert_eq!(reply.tool_calls, json!([{"name": "query_vacancy", "input": {"include_pricing": true}}]));
    assert!(reply.tool_results[0]["summary"].as_str().unwrap().contains("are vacant"), "{}", reply.tool_results);
    assert_eq!(reply.model, "claude-sonnet-4-20250514");
    assert!(reply.tokens_used > 0);
    assert!(events.iter().any(|e| matches!(e, ChatEvent::ToolCall { name, .. } if name == "query_vacancy")));

    let sent = fake.received();
    let tools: Vec<&str> =
        sent[0].body["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tools, ["query_leases", "query_financials", "query_maintenance", "query_vacancy", "create_action"]);
    assert!(sent[0].body["system"].as_str().unwrap().contains("never estimate or invent a number"));
    let result = &sent[1].body["messages"][2]["content"][0];
    assert_eq!(result["type"], "tool_result");
    let answer: Value = serde_json::from_str(result["content"].as_str().unwrap()).unwrap();
    assert_eq!(answer["tool"], "query_vacancy");
}

#[test]
fn a_chat_stream_cut_short_falls_back_to_the_offline_answer_and_says_so() {
    use unitcycle_core::portfolio_chat::workflow as wf;
    let mut fake = Fake::start(vec![sse_reply("portfolio_chat_cut.sse")]);
    let gateway = unitcycle_core::ai::Gateway::with_provider(Box::new(fake.provider()), "fake Messages API".into());
    let (mut store, id) = chat_replica();
    let (_, reply) =
        wf::send_message(&mut store, &gateway, id, "pat@example.com", "vacant units", now(), &mut |_| {}).unwrap();
    assert!(reply.content.starts_with("The AI model could not answer"), "{}", reply.content);
    assert!(reply.content.contains("offline"), "{}", reply.content);
    assert_eq!(reply.tool_calls[0]["name"], "query_vacancy", "the offline rules answered");
    let _ = fake.received();
}
