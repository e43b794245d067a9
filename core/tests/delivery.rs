//! Delivery through real protocols to local fakes: an SMTP server that receives the email with
//! its PDF attached, a Twilio-style Messages API that receives the SMS, and a provider that
//! fails twice before the message goes out exactly once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use chrono::{DateTime, Duration, Utc};
use unitcycle_core::delivery::{self, env, Providers};
use unitcycle_core::outbox::{self, DeliveryChannel, NewMessage, OutboxMessage, OutboxStatus, SendError, Sender};
use unitcycle_core::store::Store;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
}

fn message(key: &str, channel: DeliveryChannel, recipient: &str) -> NewMessage {
    NewMessage {
        idempotency_key: key.into(),
        channel,
        recipient_name: "Maria Santos".into(),
        recipient: recipient.into(),
        subject: "Your renewal offer".into(),
        body: "Dear Maria, your renewal offer is attached.".into(),
        attachment_sha256: None,
        attachment_name: None,
        related_type: "renewal_recommendation".into(),
        related_id: Some(Uuid::from_u128(7)),
        scheduled_for: now(),
    }
}

/// (MAIL FROM, RCPT TO, DATA) of each received email.
type Mails = Arc<Mutex<Vec<(String, Vec<String>, String)>>>;

/// A fake SMTP server: answers EHLO/MAIL/RCPT/DATA/RSET/NOOP/QUIT and keeps each message's
/// envelope and data.
struct FakeSmtp {
    port: u16,
    mails: Mails,
}

fn fake_smtp() -> FakeSmtp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails: Mails = Arc::default();
    let kept = mails.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let kept = kept.clone();
            thread::spawn(move || smtp_session(stream, &kept));
        }
    });
    FakeSmtp { port, mails }
}

fn smtp_session(stream: TcpStream, mails: &Mails) {
    let mut out = stream.try_clone().unwrap();
    let mut lines = BufReader::new(stream);
    let mut say = |s: &str| out.write_all(format!("{s}\r\n").as_bytes()).unwrap();
    say("220 fake.smtp ESMTP ready");
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            say("250-fake.smtp\r\n250 8BITMIME");
        } else if upper.starts_with("MAIL FROM:") {
            from = cmd[10..].trim().to_string();
            say("250 OK");
        } else if upper.starts_with("RCPT TO:") {
            to.push(cmd[8..].trim().to_string());
            say("250 OK");
        } else if upper == "DATA" {
            say("354 end with <CRLF>.<CRLF>");
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l).unwrap_or(0) == 0 {
                    return;
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            mails.lock().unwrap().push((std::mem::take(&mut from), std::mem::take(&mut to), data));
            say("250 OK queued");
        } else if upper == "QUIT" {
            say("221 bye");
            return;
        } else {
            say("250 OK");
        }
    }
}

/// A fake Twilio Messages API: keeps each request's path, Authorization header and form body,
/// answers 201 with a `sid`.
struct FakeTwilio {
    base: String,
    requests: Arc<Mutex<Vec<(String, String, String)>>>,
}

fn fake_twilio() -> FakeTwilio {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let kept = requests.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut out = stream.try_clone().unwrap();
            let mut r = BufReader::new(stream);
            let mut request_line = String::new();
            r.read_line(&mut request_line).unwrap();
            let (mut length, mut auth) = (0usize, String::new());
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap(),
                    "authorization" => auth = v.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            r.read_exact(&mut body).unwrap();
            let path = request_line.split_whitespace().nth(1).unwrap().to_string();
            let n = {
                let mut k = kept.lock().unwrap();
                k.push((path, auth, String::from_utf8(body).unwrap()));
                k.len()
            };
            let answer = format!(r#"{{"sid": "SM{n:032}", "status": "queued"}}"#);
            write!(
                out,
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            )
            .unwrap();
        }
    });
    FakeTwilio { base, requests }
}

fn vars(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
}

fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            let dec = |s: &str| {
                let s = s.replace('+', " ");
                let mut out = Vec::new();
                let b = s.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b'%' {
                        out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        out.push(b[i]);
                        i += 1;
                    }
                }
                String::from_utf8(out).unwrap()
            };
            (dec(k), dec(v))
        })
        .collect()
}

#[test]
fn email_goes_over_smtp_with_its_pdf_and_sms_over_the_messages_api() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    // A PDF's binary marker line makes the attachment base64-encoded.
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj <<>> endobj\n%%EOF\n".to_vec();
    let sha = unitcycle_core::documents::blob_store(&store).unwrap().put(&pdf).unwrap();
    let email = NewMessage {
        attachment_sha256: Some(sha),
        attachment_name: Some("Renewal offer.pdf".into()),
        ..message("renewal:7:send", DeliveryChannel::Email, "maria@example.com")
    };
    let sms = message("collections:7:1:sms", DeliveryChannel::Sms, "+15550123");
    let letter = message("collections:7:3:letter", DeliveryChannel::Letter, "12 Elm St");
    store
        .transaction(|tx| {
            for m in [&email, &sms, &letter] {
                outbox::enqueue(tx, m, now())?;
            }
            Ok(())
        })
        .unwrap();

    let smtp = fake_smtp();
    let twilio = fake_twilio();
    let providers = Providers::from_lookup(
        &dir.path().join("outbox"),
        vars(vec![
            (env::SMTP_URL, format!("smtp://127.0.0.1:{}", smtp.port)),
            (env::SMTP_FROM, "UnitCycle <noreply@unitcycle.example>".into()),
            (env::SMS_URL, twilio.base.clone()),
            (env::SMS_ACCOUNT_SID, "AC123".into()),
            (env::SMS_AUTH_TOKEN, "secret-token".into()),
            (env::SMS_FROM, "+15550100".into()),
        ]),
    )
    .unwrap();
    let described = providers.describe();
    assert_eq!(described[0].provider, "smtp");
    assert_eq!(described[1].provider, "twilio");
    assert_eq!(described[2].provider, "file");
    assert!(described.iter().all(|d| !d.description.contains("secret-token")), "{described:?}");

    let report = store.deliver_outbox(&providers, now()).unwrap();
    assert_eq!((report.sent, report.retrying, report.failed), (3, 0, 0));
    // Nothing is sent twice.
    assert_eq!(store.deliver_outbox(&providers, now() + Duration::hours(1)).unwrap().sent, 0);

    let mails = smtp.mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    let (from, to, data) = &mails[0];
    assert_eq!(
        (from.as_str(), to.as_slice()),
        ("<noreply@unitcycle.example>", &["<maria@example.com>".to_string()][..])
    );
    assert!(data.contains("Subject: Your renewal offer"), "{data}");
    assert!(data.contains(&format!("Message-ID: {}", delivery::message_id("renewal:7:send"))), "{data}");
    assert!(data.contains("Content-Type: application/pdf"), "{data}");
    assert!(data.contains("filename=\"Renewal offer.pdf\""), "{data}");
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pdf);
    assert!(data.replace("\r\n", "").contains(&b64), "the PDF is attached: {data}");

    let requests = twilio.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let (path, auth, body) = &requests[0];
    assert_eq!(path, "/2010-04-01/Accounts/AC123/Messages.json");
    let basic = base64::engine::general_purpose::STANDARD.encode("AC123:secret-token");
    assert_eq!(auth, &format!("Basic {basic}"));
    let fields = form(body);
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(field("To"), Some("+15550123"));
    assert_eq!(field("From"), Some("+15550100"));
    assert_eq!(field("Body"), Some("Dear Maria, your renewal offer is attached."));

    let msgs = store.outbox_messages(None, 10).unwrap();
    let by = |k: &str| msgs.iter().find(|m| m.idempotency_key == k).unwrap();
    let e = by("renewal:7:send");
    assert_eq!((e.status, e.provider.as_str()), (OutboxStatus::Sent, "smtp"));
    assert_eq!(e.provider_ref, delivery::message_id("renewal:7:send"));
    let s = by("collections:7:1:sms");
    assert_eq!(
        (s.status, s.provider.as_str(), s.provider_ref.as_str()),
        (OutboxStatus::Sent, "twilio", "SM00000000000000000000000000000001")
    );
    assert_eq!(by("collections:7:3:letter").provider, "file");
    assert!(dir.path().join("outbox/letter").is_dir());
}

/// Fails its first `fail` sends, then accepts; counts what it accepted.
#[derive(Clone, Default)]
struct Flaky {
    fail: Arc<Mutex<u32>>,
    accepted: Arc<Mutex<Vec<String>>>,
}

impl Sender for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn send(&self, msg: &OutboxMessage, _: Option<&[u8]>) -> Result<String, SendError> {
        let mut fail = self.fail.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return Err(SendError("421 try again later".into()));
        }
        self.accepted.lock().unwrap().push(msg.idempotency_key.clone());
        Ok(format!("ok-{}", msg.idempotency_key))
    }
}

#[test]
fn a_provider_that_fails_twice_is_retried_after_backoff_and_sends_once() {
    let mut store = Store::in_memory().unwrap();
    store.transaction(|tx| outbox::enqueue(tx, &message("k", DeliveryChannel::Email, "m@example.com"), now())).unwrap();
    let flaky = Flaky { fail: Arc::new(Mutex::new(2)), ..Flaky::default() };
    let providers = Providers::all(flaky.clone());

    let r = store.deliver_outbox(&providers, now()).unwrap();
    assert_eq!((r.sent, r.retrying), (0, 1));
    let m = &store.outbox_messages(None, 1).unwrap()[0];
    assert_eq!(
        (m.attempts, m.next_attempt_at, m.last_error.as_str()),
        (1, now() + Duration::minutes(1), "421 try again later")
    );
    // Before the backoff has passed nothing is due.
    assert_eq!(store.deliver_outbox(&providers, now() + Duration::seconds(59)).unwrap().retrying, 0);
    let t = now() + Duration::minutes(1);
    assert_eq!(store.deliver_outbox(&providers, t).unwrap().retrying, 1);
    let m = &store.outbox_messages(None, 1).unwrap()[0];
    assert_eq!((m.attempts, m.next_attempt_at), (2, t + Duration::minutes(5)));
    assert_eq!(store.deliver_outbox(&providers, t + Duration::minutes(4)).unwrap().sent, 0);
    assert_eq!(store.deliver_outbox(&providers, t + Duration::minutes(5)).unwrap().sent, 1);
    for later in [1, 10, 1000] {
        assert_eq!(store.deliver_outbox(&providers, t + Duration::hours(later)).unwrap().sent, 0);
    }
    assert_eq!(flaky.accepted.lock().unwrap().as_slice(), ["k"]);
    let m = &store.outbox_messages(None, 1).unwrap()[0];
    assert_eq!((m.status, m.attempts, m.provider_ref.as_str()), (OutboxStatus::Sent, 3, "ok-k"));
}

#[test]
fn a_claimed_message_is_not_claimed_again_and_a_lost_claim_writes_nothing() {
    use unitcycle_core::delivery::{Attempt, OutboxPort};
    let mut store = Store::in_memory().unwrap();
    store.transaction(|tx| outbox::enqueue(tx, &message("c", DeliveryChannel::Sms, "+1555"), now())).unwrap();
    let first = store.claim_due(now(), 10).unwrap();
    assert_eq!(first.len(), 1);
    // A second deliverer sees nothing while the claim holds...
    assert!(store.claim_due(now(), 10).unwrap().is_empty());
    // ...but takes it over once the lease has passed; the first one's late answer is dropped.
    let second = store.claim_due(now() + delivery::CLAIM_LEASE, 10).unwrap();
    assert_eq!(second[0].attempts, 2);
    let sent = Attempt::Sent { provider: "x".into(), provider_ref: "late".into() };
    assert!(!store.record_attempt(&first[0], &sent, now()).unwrap());
    let sent = Attempt::Sent { provider: "x".into(), provider_ref: "SM1".into() };
    assert!(store.record_attempt(&second[0], &sent, now()).unwrap());
    assert_eq!(store.outbox_messages(None, 1).unwrap()[0].provider_ref, "SM1");
}

#[test]
fn half_a_configuration_is_refused_and_none_means_files() {
    let dir = std::path::Path::new("/tmp/outbox");
    let err = Providers::from_lookup(dir, vars(vec![(env::SMTP_URL, "smtp://localhost:25".into())])).err().unwrap();
    assert!(err.contains(env::SMTP_FROM), "{err}");
    let err = Providers::from_lookup(dir, vars(vec![(env::SMS_ACCOUNT_SID, "AC1".into())])).err().unwrap();
    assert!(err.contains(env::SMS_AUTH_TOKEN) && err.contains(env::SMS_FROM), "{err}");
    let p = Providers::from_lookup(dir, vars(vec![])).unwrap();
    let d = p.describe();
    assert_eq!(d[0].description, "file (no SMTP configured): written to /tmp/outbox");
    assert_eq!(d[1].description, "file (no SMS provider configured): written to /tmp/outbox");
    let with_login = Providers::from_lookup(
        dir,
        vars(vec![
            (env::SMTP_URL, "smtp://user:hunter2@mail.example.com:587?tls=required".into()),
            (env::SMTP_FROM, "noreply@example.com".into()),
        ]),
    )
    .unwrap();
    let shown = &with_login.describe()[0].description;
    assert!(shown.contains("mail.example.com:587") && !shown.contains("hunter2") && !shown.contains("user"), "{shown}");
}
