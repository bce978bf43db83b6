//! Claims of SECURITY.md that had no test of their own.

use crate::common;

use common::{app_code, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::{crypto::sealing, second_factor::authenticator::secret_context, unix_now};

/// Every server function but those open to anyone: sign-up, login, logout, "who am I", the
/// language menu, and those of the links mailed to the account, whose token is the proof.
fn protected_endpoints() -> Vec<String> {
    let open = [
        "/api/email/confirm",
        "/api/password/forgot",
        "/api/password/reset/check",
        "/api/password/reset",
        "/api/signup",
        "/api/login",
        "/api/logout",
        "/api/session",
        "/api/language",
        "/api/login/code",
        "/api/login/backup-code",
        "/api/login/methods",
        "/api/login/sms/send",
        "/api/login/sms",
        "/api/login/access-code",
        "/api/login/passkey/begin",
        "/api/login/passkey",
        "/api/sign-in/passkey/begin",
        "/api/sign-in/passkey",
    ];
    let mut all: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|p| !open.contains(&p.as_str()))
        .collect();
    all.sort();
    all.dedup();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protected_server_function_refuses_logged_out_and_half_logged_in_callers() {
    let app = TestApp::new().await;
    let enrolled = app.enroll("half@example.org").await;
    app.call("logout", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::OK);
    let half = app
        .call("login", &[("email", "half@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let endpoints = protected_endpoints();
    assert_eq!(endpoints.len(), 38, "{endpoints:?}");
    let form = [
        ("password", PASSWORD),
        ("code", "123456"),
        ("current_password", PASSWORD),
        ("id", "1"),
        ("number", "0612345678"),
        ("name", "MacBook"),
        ("challenge", "x"),
        ("credential", "{}"),
        ("account", "1"),
        ("reason", "lost phone"),
        ("hours", "2"),
    ];
    for path in &endpoints {
        let endpoint = path.trim_start_matches("/api/");
        let anonymous = app.call(endpoint, &form, None).await;
        anonymous.expect_status_for(StatusCode::UNAUTHORIZED, path);
        assert_eq!(anonymous.json()["error"], "login_required", "{path}");
        let halfway = app.call(endpoint, &form, Some(&half)).await;
        halfway.expect_status_for(StatusCode::FORBIDDEN, path);
        assert_eq!(halfway.json()["error"], "second_factor_required", "{path}");
    }
    // The login's second step is the one thing a half-logged-in session reaches; a logged-out
    // caller reaches neither step two.
    for endpoint in [
        "login/code",
        "login/backup-code",
        "login/methods",
        "login/sms/send",
        "login/sms",
        "login/passkey/begin",
        "login/passkey",
        "login/access-code",
    ] {
        let anonymous = app.call(endpoint, &form, None).await;
        anonymous.expect_status_for(StatusCode::UNAUTHORIZED, endpoint);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_session_token_in_clear() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ada@example.org").await;
    let token = cookie.split_once('=').unwrap().1.to_owned();
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let contents = app.database_contents().await;
    assert!(common::contains(&contents, b"ada@example.org"), "the scan sees the table contents");
    assert!(!common::contains(&contents, token.as_bytes()), "a session token is stored in clear");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_secret_copied_to_another_accounts_row_does_not_open() {
    let app = TestApp::new().await;
    let a = app.enroll("a@example.org").await;
    let b = app.enroll("b@example.org").await;
    let sealed_a: Vec<u8> = sqlx::query_scalar("SELECT secret FROM totp_credentials WHERE user_id = $1")
        .bind(a.user_id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let key = &app.state.settings.data_key;
    assert!(sealing::open(key, &sealed_a, &secret_context(a.user_id)).is_ok());
    assert!(sealing::open(key, &sealed_a, &secret_context(b.user_id)).is_err());

    // An attacker with write access to the table copies A's secret onto B's row, then logs in
    // to B with a code from A's key.
    sqlx::query("UPDATE totp_credentials SET secret = $1 WHERE user_id = $2")
        .bind(&sealed_a)
        .bind(b.user_id)
        .execute(&app.state.db)
        .await
        .unwrap();
    app.call("logout", &[], Some(&b.cookie)).await.expect_status(StatusCode::OK);
    let half = app
        .call("login", &[("email", "b@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let reply = app.call("login/code", &[("code", &app_code(&a.key, unix_now()))], Some(&half)).await;
    assert_ne!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["error"], "internal", "{}", reply.body);
}

async fn secure_app() -> TestApp {
    TestApp::with_config(|config| config.secure_cookies = true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_secure_cookies_the_session_cookie_is_host_only_and_secure_and_hsts_is_sent() {
    let app = secure_app().await;
    let reply = app.call("signup", &[("email", "ada@example.org"), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    let cookies: Vec<String> = reply
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies.iter().find(|c| c.starts_with("__Host-session=")).expect("a __Host-session cookie");
    for attribute in ["; Secure", "; HttpOnly", "; Path=/", "; SameSite=Strict"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    let cookie = reply.session_cookie().unwrap();
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    // The plain name is not read when cookies are secure.
    let plain = cookie.replace("__Host-session=", "session=");
    app.call("account", &[], Some(&plain)).await.expect_status(StatusCode::UNAUTHORIZED);

    for reply in [app.get_page("/", None).await, app.call("session", &[], None).await] {
        let hsts = reply.headers.get("strict-transport-security").expect("Strict-Transport-Security");
        assert!(hsts.to_str().unwrap().starts_with("max-age=63072000"), "{hsts:?}");
    }
    let plain_app = TestApp::new().await;
    assert!(plain_app.get_page("/", None).await.headers.get("strict-transport-security").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_a_call_from_the_same_host_over_http_is_cross_site() {
    let app = secure_app().await;
    let mut request =
        common::server_fn_request("login", &[("email", "a@example.org"), ("password", PASSWORD)], None);
    request.headers_mut().insert("host", "app.example".parse().unwrap());
    request.headers_mut().insert("origin", "http://app.example".parse().unwrap());
    let reply = common::Reply::read(app.send(request).await).await;
    reply.expect_status(StatusCode::FORBIDDEN);
    assert_eq!(reply.json()["error"], "cross_site_request");

    let mut request =
        common::server_fn_request("login", &[("email", "a@example.org"), ("password", PASSWORD)], None);
    request.headers_mut().insert("host", "app.example".parse().unwrap());
    request.headers_mut().insert("origin", "https://app.example".parse().unwrap());
    let reply = common::Reply::read(app.send(request).await).await;
    reply.expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_to_start_with_a_key_file_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), common::fresh_database_url(dir.path()).await);
    drop(server::app_state(&config).await.unwrap());
    std::fs::set_permissions(&config.key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = server::app_state(&config).await.err().expect("a key file readable by others is refused");
    assert!(refused.to_string().contains("chmod 600"), "{refused}");
    std::fs::set_permissions(&config.key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(server::app_state(&config).await.is_ok());
}
