//! Every server function, fed malformed, empty, oversized, wrong-typed and strange-Unicode input,
//! answers with a 4xx and a clear message (or succeeds): never a panic, never a 500.

use crate::common;

use axum::body::Body;
use common::{TestApp, PASSWORD};
use http::{header, Request, StatusCode};
use proptest::prelude::*;

fn endpoints() -> Vec<String> {
    leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect()
}

/// A fully authenticated session and a half-logged-in one (of an account with 2FA on).
async fn sessions(app: &TestApp) -> (String, String) {
    let full = app.sign_up("full@example.org").await;
    app.enroll("half@example.org").await;
    let half = app
        .call("login", &[("email", "half@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    (full, half)
}

async fn post(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let reply = common::Reply::read(app.send(request.body(Body::from(body)).unwrap()).await).await;
    (reply.status, reply.body)
}

fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9 -]{0,12}",
        "[a-z0-9-]{0,14}",
        "\\PC{0,64}",
        any::<String>(),
        Just("\u{202e}\u{0}\u{feff}１２３４５６".to_owned()),
        Just("x".repeat(2_000)),
    ]
}

fn form_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Fields a function may expect, with odd values.
        (field_value(), field_value(), field_value()).prop_map(|(email, password, code)| {
            form_urlencoded(&[("email", &email), ("password", &password), ("code", &code)])
        }),
        // Wrong shapes: repeated, bracketed, missing values, raw bytes.
        Just(b"code[]=1&code[]=2&password[x]=y".to_vec()),
        Just(b"email&password&code".to_vec()),
        Just(b"%%%%&&==".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..256),
    ]
}

fn form_urlencoded(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", common::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

#[test]
fn no_input_makes_a_server_function_fail_with_a_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (app, full, half) = runtime.block_on(async {
        let app = TestApp::new().await;
        let (full, half) = sessions(&app).await;
        (app, full, half)
    });
    let paths = endpoints();
    assert!(paths.len() >= 15, "{paths:?}");
    let cookies = [None, Some(full.as_str()), Some(half.as_str())];
    let content_types =
        ["application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data"];

    let config = ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(body in form_body(), who in 0..3usize, kind in 0..4usize)| {
        runtime.block_on(async {
            for path in &paths {
                let (status, text) = post(&app, path, content_types[kind], body.clone(), cookies[who]).await;
                prop_assert!(!status.is_server_error(), "{path} answered {status}: {text}");
                if status.is_client_error() && status != StatusCode::NOT_FOUND {
                    let json: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|e| TestCaseError::fail(format!("{path} {status}: not JSON ({e}): {text}")))?;
                    let message = json["message"].as_str().unwrap_or_default();
                    prop_assert!(!message.is_empty(), "{path}: no message in {text}");
                }
            }
            Ok(())
        })?;
    });

    // A 1 MB body is refused before any function reads it.
    runtime.block_on(async {
        let huge = form_urlencoded(&[("password", &"p".repeat(1 << 20)), ("code", "123456")]);
        for path in &paths {
            let (status, _) = post(&app, path, content_types[0], huge.clone(), Some(&full)).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        }
    });
}
