//! `unitcycle ai status|runs|preview` end to end against a demo replica, with no API key and
//! with a key whose endpoint is unreachable.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

fn unitcycle(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unitcycle"));
    cmd.arg("--db").arg(db).args(args);
    for name in ["UNITCYCLE_DB", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "CLAUDE_MODEL", "UNITCYCLE_AI"] {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run unitcycle")
}

fn ok(o: Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const TODAY: &str = "2026-01-15";

#[test]
fn offline_previews_and_the_run_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    ok(unitcycle(&db, &[], &["demo", "--units", "60", "--today", TODAY, "--no-jobs"]));

    let status = ok(unitcycle(&db, &[], &["ai", "status"]));
    assert!(status.starts_with("Provider: Offline templates (offline-templates-v1)\n"), "{status}");
    assert!(status.contains("no Claude API key configured (set ANTHROPIC_API_KEY)"), "{status}");
    assert!(status.contains("No AI runs recorded yet."), "{status}");

    let letter = ok(unitcycle(&db, &[], &["ai", "preview", "renewal-letter", "--lease", "L-000001", "--today", TODAY]));
    assert!(letter.starts_with("[Offline templates (offline-templates-v1) · letter]"), "{letter}");
    assert!(letter.contains("Re: Your lease renewal offer for unit "), "{letter}");

    let sms = ok(unitcycle(
        &db,
        &[],
        &[
            "ai",
            "preview",
            "collections",
            "--lease",
            "L-000001",
            "--tone",
            "legal",
            "--channel",
            "sms",
            "--today",
            TODAY,
        ],
    ));
    let body = sms.lines().nth(2).unwrap();
    assert!(body.starts_with("FINAL NOTICE"), "{sms}");
    assert!(body.chars().count() <= 160, "{body}");

    let runs: serde_json::Value = serde_json::from_str(&ok(unitcycle(&db, &[], &["ai", "runs", "--json"]))).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["task"], "collections_message");
    assert_eq!(runs[1]["task"], "renewal_letter");
    assert!(runs.iter().all(|r| r["provider"] == "offline" && r["outcome"] == "succeeded"));

    let bad = unitcycle(&db, &[], &["ai", "preview", "collections", "--lease", "L-000001", "--tone", "angry"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.trim_end(), "error: unknown tone 'angry' (expected one of: friendly, firm, formal, legal)");
}

#[test]
fn an_unreachable_claude_falls_back_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    ok(unitcycle(&db, &[], &["demo", "--units", "30", "--today", TODAY, "--no-jobs"]));
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let env = [("ANTHROPIC_API_KEY", "sk-ant-test"), ("ANTHROPIC_BASE_URL", url.as_str())];

    let status = ok(unitcycle(&db, &env, &["ai", "status"]));
    assert!(status.starts_with("Provider: Claude (claude-sonnet-4-20250514)\n"), "{status}");

    let out =
        ok(unitcycle(&db, &env, &["ai", "preview", "move-out-inspection", "--lease", "L-000002", "--today", TODAY]));
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "[Offline templates (offline-templates-v1), fallback: Claude failed: cannot reach the Claude API at \
             {url}/v1/messages: Connection refused (os error 111) · letter]"
        )
    );
    let runs = ok(unitcycle(&db, &env, &["ai", "runs"]));
    let rows: Vec<&str> = runs.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{runs}");
    assert!(rows[0].contains("offline") && rows[0].contains("fallback"), "{runs}");
    assert!(rows[1].contains("claude") && rows[1].contains("failed"), "{runs}");
}
