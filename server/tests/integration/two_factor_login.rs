//! Logging in with 2FA on, and managing it: through the router on SQLite.

use crate::common;

use std::collections::BTreeSet;

use common::{app_code, spaced, wrong_code, Enrolled, Reply, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::unix_now;

const EMAIL: &str = "ada@example.org";

/// An account with 2FA on, logged out.
async fn enroll(app: &TestApp) -> Enrolled {
    let enrolled = app.enroll(EMAIL).await;
    let logout = app.call("logout", &[], Some(&enrolled.cookie)).await;
    logout.expect_status(StatusCode::OK);
    enrolled
}

/// Logs in with the password only: a half-logged-in session.
async fn password_step(app: &TestApp) -> String {
    let reply = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json()["level"], "password_verified");
    reply.session_cookie().unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_logged_in_session_reaches_no_server_function_but_the_code_prompt() {
    let app = TestApp::new().await;
    enroll(&app).await;
    let half = password_step(&app).await;

    // Every registered server function, so that one added later is covered too.
    let open_to_all: BTreeSet<&str> = [
        "session",
        "signup",
        "login",
        "logout",
        "language",
        "login/code",
        "login/backup-code",
        "login/methods",
        "login/sms/send",
        "login/sms",
        "login/access-code",
        "login/passkey/begin",
        "login/passkey",
        "sign-in/passkey/begin",
        "sign-in/passkey",
    ]
    .into();
    // A mailed link's token is its own proof, with or without a session.
    let links: BTreeSet<&str> =
        ["email/confirm", "password/forgot", "password/reset/check", "password/reset"].into();
    let mut tried = 0;
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.trim_start_matches("/api/");
        if open_to_all.contains(endpoint) || links.contains(endpoint) {
            continue;
        }
        let reply = app
            .call(
                endpoint,
                &[
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
                ],
                Some(&half),
            )
            .await;
        reply.expect_status_for(StatusCode::FORBIDDEN, endpoint);
        assert_eq!(reply.json()["error"], "second_factor_required", "{endpoint}");
        tried += 1;
    }
    assert!(tried >= 9, "only {tried} protected functions found");

    for page in ["/", "/settings", "/settings/security"] {
        let html = app.get_page(page, Some(&half)).await.body;
        assert!(html.contains("Two-factor authentication</h1>"), "{page}");
        assert!(!html.contains("Inbox") && !html.contains("Log out"), "{page}");
    }
    let viewer = app.call("session", &[], Some(&half)).await.json();
    assert_eq!(viewer["level"], "password_verified");

    // The language menu sets the browser's cookie for anyone, but the account's language (its
    // mails) only for a fully logged-in session.
    let switched = app.call("language", &[("lang", "nl")], Some(&half)).await;
    switched.expect_status(StatusCode::OK);
    let language: String =
        sqlx::query_scalar("SELECT language FROM users").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(language, "en");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_typed_with_a_space_completes_the_login_under_a_new_session_id() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let code = spaced(&app_code(&enrolled.key, unix_now() + 30));
    let reply = app.call("login/code", &[("code", &code)], Some(&half)).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json()["level"], "fully_authenticated");
    let full = reply.session_cookie().unwrap();
    assert_ne!(full, half);
    app.call("account", &[], Some(&full)).await.expect_status(StatusCode::OK);
    assert_eq!(app.call("session", &[], Some(&half)).await.json(), serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_code_is_accepted_once_the_setup_code_included() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await.json();
    let key = setup["key"].as_str().unwrap().replace(' ', "");
    let setup_code = app_code(&key, unix_now());
    let confirmed = app.call("two-factor/confirm", &[("code", &setup_code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);

    let half = password_step(&app).await;
    let reused = app.call("login/code", &[("code", &setup_code)], Some(&half)).await;
    reused.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(reused.json()["error"], "wrong_code");

    let next = app_code(&key, unix_now() + 30);
    app.call("login/code", &[("code", &next)], Some(&half)).await.expect_status(StatusCode::OK);
    let again = password_step(&app).await;
    app.call("login/code", &[("code", &next)], Some(&again)).await.expect_status(StatusCode::UNAUTHORIZED);
    // An older code, still inside the window, is refused too.
    let older = app_code(&key, unix_now() - 30);
    app.call("login/code", &[("code", &older)], Some(&again)).await.expect_status(StatusCode::UNAUTHORIZED);
    assert!(count(&app, "SELECT COUNT(*) FROM security_events WHERE kind = 'code_reused'").await >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_submissions_of_one_code_give_exactly_one_success() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let mut halves = Vec::new();
    for _ in 0..8 {
        halves.push(password_step(&app).await);
    }
    let code = app_code(&enrolled.key, unix_now() + 30);
    let tasks: Vec<_> =
        halves.iter().map(|half| app.spawn_call("login/code", &[("code", &code)], half)).collect();
    let mut replies: Vec<Reply> = Vec::new();
    for task in tasks {
        replies.push(task.await.unwrap());
    }
    let successes = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(successes, 1, "{:?}", replies.iter().map(|r| (r.status, &r.body)).collect::<Vec<_>>());
    // The others were refused as a reused code, or by the guessing limit.
    assert!(replies.iter().all(|r| [
        StatusCode::OK,
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS
    ]
    .contains(&r.status)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_code_logs_in_once_and_tells_how_many_are_left() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let typed = enrolled.backup_codes[0].to_uppercase();
    let reply = app.call("login/backup-code", &[("code", &typed)], Some(&half)).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json()["backup_codes_left"], 9);
    assert_eq!(reply.json()["viewer"]["level"], "fully_authenticated");

    let again = password_step(&app).await;
    let reused = app.call("login/backup-code", &[("code", &enrolled.backup_codes[0])], Some(&again)).await;
    reused.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(reused.json()["error"], "wrong_backup_code");
    let malformed = app.call("login/backup-code", &[("code", "not a code")], Some(&again)).await;
    malformed.expect_status(StatusCode::BAD_REQUEST);

    // Two parallel uses of one code: one success.
    let (a, b) = (password_step(&app).await, password_step(&app).await);
    let code = enrolled.backup_codes[1].as_str();
    let (ra, rb) = (
        app.spawn_call("login/backup-code", &[("code", code)], &a),
        app.spawn_call("login/backup-code", &[("code", code)], &b),
    );
    let (ra, rb) = (ra.await.unwrap(), rb.await.unwrap());
    let successes = [&ra, &rb].iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(successes, 1, "{} / {}", ra.body, rb.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM backup_codes WHERE used_at IS NULL").await, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regenerating_backup_codes_retires_the_old_set() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let full = app
        .call("login/code", &[("code", &app_code(&enrolled.key, unix_now() + 30))], Some(&half))
        .await
        .session_cookie()
        .unwrap();
    let form = |password| [("password", password), ("code", enrolled.backup_codes[9].as_str())];
    let wrong = app.call("two-factor/backup-codes/regenerate", &form("wrong password"), Some(&full)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    let fresh = app.call("two-factor/backup-codes/regenerate", &form(PASSWORD), Some(&full)).await;
    fresh.expect_status(StatusCode::OK);
    assert_eq!(fresh.headers["cache-control"], "no-store");
    let new_codes: Vec<String> = serde_json::from_value(fresh.json()["codes"].clone()).unwrap();
    assert_eq!(new_codes.len(), 10);
    let download = app.call("two-factor/backup-codes", &[], Some(&full)).await;
    assert!(download.body.contains(&new_codes[0]));

    let half = password_step(&app).await;
    let old = app.call("login/backup-code", &[("code", &enrolled.backup_codes[2])], Some(&half)).await;
    old.expect_status(StatusCode::UNAUTHORIZED);
    let new = app.call("login/backup-code", &[("code", &new_codes[0])], Some(&half)).await;
    new.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_smartphone_gets_the_same_key_with_password_and_a_current_code() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let full = app
        .call("login/code", &[("code", &app_code(&enrolled.key, unix_now()))], Some(&half))
        .await
        .session_cookie()
        .unwrap();
    let code = app_code(&enrolled.key, unix_now() + 30);
    let no_password = app
        .call("two-factor/another-phone", &[("password", "wrong password"), ("code", &code)], Some(&full))
        .await;
    no_password.expect_status(StatusCode::UNAUTHORIZED);
    let shown =
        app.call("two-factor/another-phone", &[("password", PASSWORD), ("code", &code)], Some(&full)).await;
    shown.expect_status(StatusCode::OK);
    assert_eq!(shown.json()["key"].as_str().unwrap().replace(' ', ""), enrolled.key);
    assert!(shown.json()["uri"].as_str().unwrap().contains(&enrolled.key));
    assert_eq!(shown.headers["cache-control"], "no-store");
}

/// Issue 28: a person whose phone is lost logs in with a backup code and must be able to put
/// the key on a new phone with another one; each backup code still works once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_code_puts_the_key_on_a_new_phone_after_the_old_one_is_lost() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let full = app
        .call("login/backup-code", &[("code", &enrolled.backup_codes[0])], Some(&half))
        .await
        .session_cookie()
        .unwrap();
    let form = [("password", PASSWORD), ("code", enrolled.backup_codes[1].as_str())];
    let shown = app.call("two-factor/another-phone", &form, Some(&full)).await;
    shown.expect_status(StatusCode::OK);
    assert_eq!(shown.json()["key"].as_str().unwrap().replace(' ', ""), enrolled.key);
    let again = app.call("two-factor/another-phone", &form, Some(&full)).await;
    again.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(again.json()["error"], "wrong_backup_code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_2fa_off_deletes_the_secret_and_codes_and_the_history_shows_it_all() {
    let app = TestApp::new().await;
    let enrolled = enroll(&app).await;
    let half = password_step(&app).await;
    let wrong =
        app.call("login/code", &[("code", &wrong_code(&enrolled.key, unix_now()))], Some(&half)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    let full = app
        .call("login/backup-code", &[("code", &enrolled.backup_codes[0])], Some(&half))
        .await
        .session_cookie()
        .unwrap();

    let off = app
        .call(
            "two-factor/disable",
            &[("password", PASSWORD), ("code", &enrolled.backup_codes[1])],
            Some(&full),
        )
        .await;
    off.expect_status(StatusCode::OK);
    for table in ["totp_credentials", "backup_codes", "totp_pending"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let login = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    assert_eq!(login.json()["level"], "fully_authenticated");

    let events = app.call("security/events", &[], Some(&full)).await.json();
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in ["two_factor_enabled", "wrong_code", "backup_code_used", "two_factor_disabled", "login"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    // The audit table is append-only.
    assert!(sqlx::query("DELETE FROM security_events").execute(&app.state.db).await.is_err());
    assert!(sqlx::query("UPDATE security_events SET ip = 'x'").execute(&app.state.db).await.is_err());
}
