//! The server functions as a public API: a client over real HTTP on loopback, as curl is in
//! docs/api.md, with a cookie jar.

use crate::common;

use std::net::SocketAddr;

use common::{config_in, fresh_database_url, PASSWORD};
use reqwest::StatusCode;

async fn serve() -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), fresh_database_url(dir.path()).await);
    let state = server::app_state(&config).await.unwrap();
    let router = server::routing::router(state, server::leptos_options(&config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap()
    });
    (addr, dir)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_client_signs_up_logs_in_keeps_the_cookie_and_calls_a_protected_function() {
    let (addr, _dir) = serve().await;
    let base = format!("http://{addr}/api");
    let client = client();

    let signup = client
        .post(format!("{base}/signup"))
        .form(&[("email", "api@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::OK);
    client.post(format!("{base}/logout")).send().await.unwrap();

    let denied = client.post(format!("{base}/account")).send().await.unwrap();
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = denied.json().await.unwrap();
    assert_eq!(body["message"], "You are not logged in. Log in to continue.");

    let login = client
        .post(format!("{base}/login"))
        .form(&[("email", "api@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);

    let account = client.post(format!("{base}/account")).send().await.unwrap();
    assert_eq!(account.status(), StatusCode::OK);
    let body: serde_json::Value = account.json().await.unwrap();
    assert_eq!(body["email"], "api@example.org");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_clear_4xx_never_a_500() {
    let (addr, _dir) = serve().await;
    let base = format!("http://{addr}/api");
    let client = client();

    let missing = client
        .post(format!("{base}/login"))
        .form(&[("email", "api@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"], "bad_request");
    assert!(body["message"].as_str().unwrap().contains("password"), "{body}");

    let garbage = client
        .post(format!("{base}/signup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%\u{0}&&==")
        .send()
        .await
        .unwrap();
    assert!(garbage.status().is_client_error(), "{}", garbage.status());

    let oversized = client
        .post(format!("{base}/login"))
        .form(&[("email", "a@example.org"), ("password", &"x".repeat(1024 * 1024))])
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let unknown = client.post(format!("{base}/no-such-function")).send().await.unwrap();
    assert!(unknown.status().is_client_error(), "{}", unknown.status());

    let wrong_method = client.get(format!("{base}/login")).send().await.unwrap();
    assert!(wrong_method.status().is_client_error(), "{}", wrong_method.status());
}
