//! Portfolio chat (spec 3.3) on the server: a conversation, a question answered as a stream of
//! Server-Sent Events (the tool call, its result, the text, the stored reply), the history with
//! the tool calls kept, every row from the caller's own properties only, another user's
//! conversation invisible, and the daily digest.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};

/// The events of an SSE body: (event, data).
fn events(body: &[u8]) -> Vec<(String, Value)> {
    String::from_utf8_lossy(body)
        .split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name.to_string(), serde_json::from_str(data).ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_streams_its_answer_from_the_callers_own_properties() {
    let db = TestDb::new("chat", 450).await;
    let app = db.router();
    let (a, b) = (db.token(MANAGER_A).await, db.token(MANAGER_B).await);

    let (s, conv) = call(&app, Method::POST, "/api/v1/chat/conversations/", Some(&a), body(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{conv}");
    let id = conv["id"].as_str().unwrap().to_string();
    assert_eq!(conv["user_email"], MANAGER_A);

    let ask = |token: &str, text: &str| {
        let (app, token, path) = (app.clone(), token.to_string(), format!("/api/v1/chat/conversations/{id}/messages/"));
        let text = text.to_string();
        async move { call_raw(&app, Method::POST, &path, Some(&token), body(json!({"message": text}))).await }
    };
    let (s, raw) = ask(&a, "vacant units with market rent").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&raw));
    let evs = events(&raw);
    let names: Vec<&str> = evs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["tool_call", "tool_result", "token", "message"], "{evs:?}");
    assert_eq!(evs[0].1["name"], "query_vacancy");
    let reply = &evs[3].1;
    assert_eq!(reply["role"], "assistant");
    assert!(reply["content"].as_str().unwrap().contains("offline"), "the provider is named: {reply}");

    // Every row comes from manager A's property.
    let (_, props) = call(&app, Method::GET, "/api/v1/properties/", Some(&a), None).await;
    let mine: Vec<String> =
        props["results"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    let answer: Value = serde_json::from_str(evs[1].1["content"].as_str().unwrap()).unwrap();
    for row in answer["rows"].as_array().unwrap() {
        assert!(mine.contains(&row[0].as_str().unwrap().to_string()), "{row} is not A's");
    }
    let (_, raw) = ask(&a, "what's the rent roll at every property").await;
    let result: Value = serde_json::from_str(events(&raw)[1].1["content"].as_str().unwrap()).unwrap();
    assert!(result["rows"].as_array().unwrap().iter().all(|r| mine.contains(&r[0].as_str().unwrap().to_string())));

    let (s, hist) =
        call(&app, Method::GET, &format!("/api/v1/chat/conversations/{id}/messages/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let msgs = hist.as_array().unwrap();
    assert_eq!(msgs.len(), 4);
    assert_eq!((msgs[0]["role"].as_str(), msgs[1]["role"].as_str()), (Some("user"), Some("assistant")));
    assert_eq!(msgs[1]["tool_calls"][0]["name"], "query_vacancy");
    assert!(msgs[1]["tool_results"][0]["rows"].is_array());

    // Another manager does not see it, cannot write to it; bad input is a 400.
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/chat/conversations/{id}/messages/"), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(ask(&b, "vacant units").await.0, StatusCode::NOT_FOUND);
    assert_eq!(ask(&a, "   ").await.0, StatusCode::BAD_REQUEST);
    let (_, list) = call(&app, Method::GET, "/api/v1/chat/conversations/", Some(&b), None).await;
    assert_eq!(list["count"], 0);
    let (_, list) = call(&app, Method::GET, "/api/v1/chat/conversations/", Some(&a), None).await;
    assert_eq!(
        (list["count"].as_u64(), list["results"][0]["title"].as_str()),
        (Some(1), Some("vacant units with market rent"))
    );

    // A proposed reminder is created only by the confirm, once; manager B cannot confirm it.
    let (_, raw) = ask(&a, "remind me to renew the boiler permit").await;
    let reply = events(&raw).pop().unwrap().1;
    assert_eq!(reply["tool_calls"][0]["name"], "create_action", "{reply}");
    let confirm = format!("/api/v1/chat/conversations/{id}/messages/{}/confirm-action/", reply["id"].as_str().unwrap());
    let (s, _) = call(&app, Method::POST, &confirm, Some(&b), body(json!({}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&app, Method::POST, &confirm, Some(&a), body(json!({"due_date": "someday"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, done) = call(&app, Method::POST, &confirm, Some(&a), body(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{done}");
    assert_eq!(done["action_type"], "reminder");
    assert!(done["summary"].as_str().unwrap().contains(MANAGER_A), "{done}");
    let (s, again) = call(&app, Method::POST, &confirm, Some(&a), body(json!({}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{again}");

    let (s, digest) = call(&app, Method::GET, "/api/v1/chat/daily-digest/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{digest}");
    let kinds: Vec<&str> =
        digest["highlights"].as_array().unwrap().iter().map(|h| h["type"].as_str().unwrap()).collect();
    assert!(kinds.iter().all(|k| ["alert", "info", "success"].contains(k)) && !kinds.is_empty(), "{digest}");
    assert!(digest["metrics"]["units"].as_u64().unwrap() > 0);
    let (s, _) = call(&app, Method::GET, "/api/v1/chat/daily-digest/?date=2020-01-01", Some(&a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&app, Method::GET, "/api/v1/chat/daily-digest/?date=soon", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    db.finish().await;
}
