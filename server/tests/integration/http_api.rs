//! The server functions as a public API: a client over real HTTP on loopback, as curl is in
//! docs/api.md, with a cookie jar.

use crate::common;

use std::net::{IpAddr, SocketAddr};

use common::{config_in, fresh_database_url, PASSWORD};
use reqwest::StatusCode;
use server::config::Config;

async fn serve() -> (SocketAddr, tempfile::TempDir) {
    serve_behind(Vec::new()).await
}

/// Serves on loopback, trusting `X-Forwarded-For` from `trusted_proxies`.
async fn serve_behind(trusted_proxies: Vec<IpAddr>) -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config { trusted_proxies, ..config_in(dir.path(), fresh_database_url(dir.path()).await) };
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

    let missing =
        client.post(format!("{base}/login")).form(&[("email", "api@example.org")]).send().await.unwrap();
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
        // Four times the 16 KiB limit, and small enough to be written whole before the server's
        // answer closes the connection (a megabyte was sometimes cut off by a reset first).
        .form(&[("email", "a@example.org"), ("password", &"x".repeat(64 * 1024))])
        .send()
        .await
        .unwrap();
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The server answers 413 without reading the body and drops that connection: a pooled
    // connection may be the dead one, so the next requests take a new client.
    let client = self::client();

    let unknown = client.post(format!("{base}/no-such-function")).send().await.unwrap();
    assert!(unknown.status().is_client_error(), "{}", unknown.status());

    let wrong_method = client.get(format!("{base}/login")).send().await.unwrap();
    assert!(wrong_method.status().is_client_error(), "{}", wrong_method.status());
}

/// Signs up and logs in with `X-Forwarded-For: 6.6.6.6, 203.0.113.7`, as a proxy that appended
/// the client 203.0.113.7 to a forged entry would send; returns the address the security
/// activity shows for the login.
async fn login_address(trusted_proxies: Vec<IpAddr>) -> String {
    let (addr, _dir) = serve_behind(trusted_proxies).await;
    let client = client();
    let call = |endpoint: &str, form: &[(&str, &str)]| {
        client
            .post(format!("http://{addr}/api/{endpoint}"))
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
            .form(form)
            .send()
    };
    let account = [("email", "ada@example.org"), ("password", PASSWORD)];
    assert_eq!(call("signup", &account).await.unwrap().status(), StatusCode::OK);
    assert_eq!(call("login", &account).await.unwrap().status(), StatusCode::OK);
    let events: serde_json::Value = call("security/events", &[]).await.unwrap().json().await.unwrap();
    let login = events.as_array().unwrap().iter().find(|e| e["kind"] == "login").expect("a login event");
    login["ip"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy() {
    assert_eq!(login_address(vec!["127.0.0.1".parse().unwrap()]).await, "203.0.113.7");
    assert_eq!(login_address(Vec::new()).await, "127.0.0.1", "an untrusted peer's header is ignored");
}
