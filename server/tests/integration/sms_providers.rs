//! The ways out for texts, against local servers that speak each provider's wire format as its
//! documentation gives it (request shape, authentication, success and error answers with the
//! provider's own error codes): Twilio's Programmable Messaging and CM.com's JSON gateway; and
//! the folder of the embedded default.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use app::backend::sms::{MobileNumber, SendFailure, Text, TextSender};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde_json::{json, Value};

use crate::common::config_in;

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-1234";
const PRODUCT_TOKEN: &str = "00000000-1111-2222-3333-444444444444";
/// Numbers the fake providers answer specially: refused as invalid, or rate limited.
const REFUSED: &str = "06 11111111";
const RATE_LIMITED: &str = "06 22222222";

/// What a fake provider received: each request's decoded fields.
type Received = Arc<Mutex<Vec<Value>>>;

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    address
}

fn e164(typed: &str) -> String {
    MobileNumber::parse(typed, &[]).unwrap().e164().to_owned()
}

/// Twilio: `POST /2010-04-01/Accounts/{sid}/Messages.json`, HTTP Basic auth, form fields;
/// `201` and the message, or `{"code", "message", "more_info", "status"}`.
async fn twilio_messages(
    State(received): State<Received>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Response {
    use base64::Engine;
    let error = |status: StatusCode, code: u32, message: &str| {
        let body = json!({"code": code, "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status.as_u16()});
        (status, Json(body)).into_response()
    };
    let expected =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}")));
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str());
    let sid_suffix = sid.strip_suffix(".json").unwrap_or(&sid).to_owned();
    if !authorized || sid_suffix != SID {
        return error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    received.lock().unwrap().push(json!(form));
    let to = form.get("To").cloned().unwrap_or_default();
    if to == e164(REFUSED) {
        return error(
            StatusCode::BAD_REQUEST,
            21211,
            &format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    if to == e164(RATE_LIMITED) {
        return error(StatusCode::TOO_MANY_REQUESTS, 20429, "Too Many Requests");
    }
    let message = json!({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": to,
        "from": form.get("From"), "body": form.get("Body"), "num_segments": "1", "error_code": null});
    (StatusCode::CREATED, Json(message)).into_response()
}

async fn twilio() -> (SocketAddr, Received) {
    let received = Received::default();
    let router = Router::new()
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(twilio_messages))
        .with_state(received.clone());
    (serve(router).await, received)
}

/// CM.com: `POST /v1.0/message`, the product token in the JSON body; the body's `errorCode`
/// (and each message's) says what happened.
async fn cm_message(State(received): State<Received>, Json(request): Json<Value>) -> Response {
    received.lock().unwrap().push(request.clone());
    let messages = &request["messages"];
    if messages["authentication"]["producttoken"] != PRODUCT_TOKEN {
        let body = json!({"details": "No account found for the given authentication", "errorCode": 101, "messages": []});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let number = messages["msg"][0]["to"][0]["number"].as_str().unwrap_or_default().to_owned();
    if number == format!("00{}", &e164(REFUSED)[1..]) {
        let body = json!({"details": "Created 0 message(s)", "errorCode": 201, "messages": [{"to": number,
            "status": "Rejected", "reference": null, "parts": 0,
            "messageDetails": format!("Gsm '{number}' is not a number."), "messageErrorCode": 303}]});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let body = json!({"details": "Created 1 message(s)", "errorCode": 0, "messages": [{"to": number,
        "status": "Accepted", "reference": null, "parts": 1, "messageDetails": null, "messageErrorCode": 0}]});
    (StatusCode::OK, Json(body)).into_response()
}

async fn cm() -> (SocketAddr, Received) {
    let received = Received::default();
    let router = Router::new().route("/v1.0/message", post(cm_message)).with_state(received.clone());
    (serve(router).await, received)
}

fn sender(sms_url: &str, dir: &std::path::Path) -> Arc<dyn TextSender> {
    let mut config = config_in(dir, "sqlite::memory:".into());
    config.sms_url = Some(sms_url.to_owned());
    server::sms::sender_from_config(&config).unwrap()
}

fn text_to(typed: &str) -> Text {
    let body = "123456 is your WebApp code. It expires in 5 minutes.\n\n@webapp.example #123456".to_owned();
    Text { to: MobileNumber::parse(typed, &[]).unwrap(), body }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twilio_gets_the_text_as_its_api_asks_and_each_refusal_is_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (address, received) = twilio().await;
    let url = format!("twilio+http://{SID}:{TOKEN}@{address}?from=%2B3197010000000");
    let twilio = sender(&url, dir.path());

    twilio.send(&text_to("06 12345678")).await.unwrap();
    let sent = received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(sent["To"], "+31612345678");
    assert_eq!(sent["From"], "+3197010000000");
    assert_eq!(sent["Body"], text_to("06 12345678").body);

    assert_eq!(
        twilio.send(&text_to(REFUSED)).await,
        Err(SendFailure::NumberRefused { provider_code: "21211".into() })
    );
    assert_eq!(
        twilio.send(&text_to(RATE_LIMITED)).await,
        Err(SendFailure::RateLimited { provider_code: "20429".into() })
    );
    let wrong_token =
        sender(&format!("twilio+http://{SID}:not-the-token@{address}?from=%2B3197010000000"), dir.path());
    assert_eq!(
        wrong_token.send(&text_to("06 12345678")).await,
        Err(SendFailure::Misconfigured { provider_code: "20003".into() })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cm_gets_the_text_as_its_gateway_asks_and_each_refusal_is_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (address, received) = cm().await;
    let gateway = sender(&format!("cm+http://{PRODUCT_TOKEN}@{address}?from=WebApp"), dir.path());

    gateway.send(&text_to("06 12345678")).await.unwrap();
    let sent = received.lock().unwrap().last().cloned().unwrap();
    let message = &sent["messages"]["msg"][0];
    assert_eq!(message["to"][0]["number"], "0031612345678", "00 and the country code, no plus");
    assert_eq!(message["from"], "WebApp");
    assert_eq!(message["body"]["content"], text_to("06 12345678").body);
    assert_eq!(message["maximumNumberOfMessageParts"], 1, "one part, never more");

    assert_eq!(
        gateway.send(&text_to(REFUSED)).await,
        Err(SendFailure::NumberRefused { provider_code: "201/303".into() })
    );
    let wrong_token = sender(&format!("cm+http://not-the-token@{address}?from=WebApp"), dir.path());
    assert_eq!(
        wrong_token.send(&text_to("06 12345678")).await,
        Err(SendFailure::Misconfigured { provider_code: "101".into() })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_is_down_is_unavailable_and_its_url_is_never_in_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("twilio+http://{SID}:{TOKEN}@{closed}?from=%2B3197010000000");
    let failure = sender(&url, dir.path()).send(&text_to("06 12345678")).await.unwrap_err();
    assert!(matches!(failure, SendFailure::Unavailable { .. }), "{failure:?}");
    assert!(!failure.to_string().contains(TOKEN) && !failure.to_string().contains(SID), "{failure}");

    for bad in [
        format!("smtp://{SID}:{TOKEN}@api.twilio.com?from=x"),
        format!("twilio://{SID}:{TOKEN}@api.twilio.com"),
        format!("cm://{PRODUCT_TOKEN}@"),
    ] {
        let mut config = config_in(dir.path(), "sqlite::memory:".into());
        config.sms_url = Some(bad.clone());
        let refused = server::sms::sender_from_config(&config).err().expect(&bad).to_string();
        assert!(!refused.contains(TOKEN) && !refused.contains(PRODUCT_TOKEN), "{refused}");
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_provider_each_text_is_a_private_json_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), "sqlite::memory:".into());
    let folder = server::sms::sender_from_config(&config).unwrap();
    folder.send(&text_to("06 12345678")).await.unwrap();
    let files: Vec<_> =
        std::fs::read_dir(&config.sms_outbox_dir).unwrap().map(|f| f.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    let written: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(written, json!({"to": "+31612345678", "body": text_to("06 12345678").body}));
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&config.sms_outbox_dir), mode(&files[0])), (0o700, 0o600));
}

/// The code of the last text a fake provider received for `to` (E.164), from its body's last
/// line (`@host #123456`).
fn last_code_received(received: &Received, body_of: impl Fn(&Value) -> Option<String>) -> String {
    let bodies: Vec<String> = received.lock().unwrap().iter().filter_map(&body_of).collect();
    bodies.last().expect("a text reached the provider").rsplit('#').next().unwrap().to_owned()
}

/// The article's SMS setup and a login by texted code, with the WebApp sending through `sms_url`.
async fn setup_and_login_through(
    sms_url: String,
    received: &Received,
    body_of: impl Fn(&Value) -> Option<String> + Copy,
) {
    use crate::common::{TestApp, PASSWORD};
    let app = TestApp::with_config(|c| c.sms_url = Some(sms_url)).await;
    let email = "through@example.org";
    let cookie = app.sign_up_confirmed(email).await;
    let form = [("password", PASSWORD), ("number", "06 12345678")];
    app.call("two-factor/sms/begin", &form, Some(&cookie)).await.expect_status(StatusCode::OK);
    let code = last_code_received(received, body_of);
    app.call("two-factor/sms/confirm", &[("code", &code)], Some(&cookie)).await.expect_status(StatusCode::OK);
    let half =
        app.call("login", &[("email", email), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let code = last_code_received(received, body_of);
    let done = app.call("login/sms", &[("code", &code)], Some(&half)).await;
    done.expect_status(StatusCode::OK);
    assert_eq!(done.json()["level"], "fully_authenticated");
    // A text asked for in the logged-in session, to prove SMS for a change.
    let cookie = done.session_cookie().unwrap();
    app.call("two-factor/sms/send", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_setup_and_a_login_work_through_twilio() {
    let (address, received) = twilio().await;
    let url = format!("twilio+http://{SID}:{TOKEN}@{address}?from=%2B3197010000000");
    setup_and_login_through(url, &received, |sent| sent["Body"].as_str().map(str::to_owned)).await;
    assert_eq!(received.lock().unwrap().len(), 3, "the setup's, the login's and one more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_setup_and_a_login_work_through_cm() {
    let (address, received) = cm().await;
    let url = format!("cm+http://{PRODUCT_TOKEN}@{address}?from=WebApp");
    let body_of = |sent: &Value| sent["messages"]["msg"][0]["body"]["content"].as_str().map(str::to_owned);
    setup_and_login_through(url, &received, body_of).await;
    assert_eq!(received.lock().unwrap().len(), 3, "the setup's, the login's and one more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_the_provider_refuses_is_told_to_the_person() {
    use crate::common::{TestApp, PASSWORD};
    let (address, _) = twilio().await;
    let url = format!("twilio+http://{SID}:{TOKEN}@{address}?from=%2B3197010000000");
    let app = TestApp::with_config(|c| c.sms_url = Some(url)).await;
    let cookie = app.sign_up_confirmed("refused@example.org").await;
    let refused =
        app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", REFUSED)], Some(&cookie)).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "sms_number_refused");
    let limited = app
        .call("two-factor/sms/begin", &[("password", PASSWORD), ("number", RATE_LIMITED)], Some(&cookie))
        .await;
    limited.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(limited.json()["error"], "sms_not_sent");
}
