//! Accounts and sessions, driven through the router on a real SQLite database.

use crate::common;

use common::{TestApp, PASSWORD};
use http::{header, StatusCode};

use app::account::{AuthLevel, Viewer};
use app::backend::caller::Caller;
use app::backend::ids::{AuthEpoch, UserId};
use app::backend::{sessions, store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_logs_in_with_a_strict_http_only_cookie() {
    let app = TestApp::new().await;
    let reply = app.call("signup", &[("email", " Ada@Example.org "), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json()["email"], "ada@example.org");
    assert_eq!(reply.json()["level"], "fully_authenticated");
    let set_cookie = reply.set_cookie().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain-HTTP deployments need a non-Secure cookie");

    let cookie = reply.session_cookie().unwrap();
    let account = app.call("account", &[], Some(&cookie)).await;
    account.expect_status(StatusCode::OK);
    assert_eq!(account.json()["email"], "ada@example.org");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_password_is_an_argon2id_hash() {
    let app = TestApp::new().await;
    app.sign_up("ada@example.org").await;
    let stored: String =
        sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&app.state.db).await.unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!stored.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_explains_each_kind_of_bad_input() {
    let app = TestApp::new().await;
    app.sign_up("ada@example.org").await;
    let cases = [
        ("ADA@example.org", PASSWORD, StatusCode::CONFLICT, "email_taken", "already exists"),
        ("ada@example", PASSWORD, StatusCode::BAD_REQUEST, "invalid_email", "valid email"),
        ("bob@example.org", "12345678901", StatusCode::BAD_REQUEST, "password_too_short", "at least 12"),
        ("bob@example.org", "password1234", StatusCode::BAD_REQUEST, "password_too_common", "too common"),
    ];
    for (email, password, status, code, message) in cases {
        let reply = app.call("signup", &[("email", email), ("password", password)], None).await;
        reply.expect_status_for(status, email);
        assert_eq!(reply.json()["error"], code);
        assert!(reply.json()["message"].as_str().unwrap().contains(message), "{}", reply.body);
        assert!(reply.set_cookie().is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::new().await;
    app.sign_up("ada@example.org").await;
    let wrong =
        app.call("login", &[("email", "ada@example.org"), ("password", "wrong password!")], None).await;
    let unknown = app.call("login", &[("email", "nobody@example.org"), ("password", PASSWORD)], None).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(wrong.json()["message"], "Incorrect email or password.");
    assert!(wrong.set_cookie().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_login_gets_a_new_session_id_and_the_old_one_ends() {
    let app = TestApp::new().await;
    let first = app.sign_up("ada@example.org").await;
    let login =
        app.call("login", &[("email", "ada@example.org"), ("password", PASSWORD)], Some(&first)).await;
    login.expect_status(StatusCode::OK);
    let second = login.session_cookie().unwrap();
    assert_ne!(first, second);
    app.call("account", &[], Some(&first)).await.expect_status(StatusCode::UNAUTHORIZED);
    app.call("account", &[], Some(&second)).await.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_deletes_the_session_on_the_server() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ada@example.org").await;
    let logout = app.call("logout", &[], Some(&cookie)).await;
    logout.expect_status(StatusCode::OK);
    assert!(logout.set_cookie().unwrap().contains("Max-Age=0"));
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(count, 0);
    // Replaying the old cookie gets nothing.
    let account = app.call("account", &[], Some(&cookie)).await;
    account.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(account.json()["error"], "login_required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_knows_who_is_logged_in_and_anonymous_callers_are_told_nothing() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ada@example.org").await;
    let me = app.call("session", &[], Some(&cookie)).await;
    assert_eq!(me.json()["email"], "ada@example.org");
    let nobody = app.call("session", &[], None).await;
    nobody.expect_status(StatusCode::OK);
    assert_eq!(nobody.json(), serde_json::Value::Null);
    let forged = app.call("session", &[], Some("session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).await;
    assert_eq!(forged.json(), serde_json::Value::Null);
}

/// `POST /api/session` with an empty body is answered beside Leptos (`server::session_check`),
/// with a body by the server function itself: for every kind of caller, and with the database
/// gone, both answer alike, the half-logged-in session included (it is told its level, nothing
/// more).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_check_answers_alike_beside_leptos_and_through_the_server_function() {
    let app = TestApp::new().await;
    let full = app.sign_up("ada@example.org").await;
    let enrolled = app.enroll("grace@example.org").await;
    let half = app
        .call("login", &[("email", "grace@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let ended = app.sign_up("alan@example.org").await;
    app.call("logout", &[], Some(&ended)).await.expect_status(StatusCode::OK);
    let callers = [
        ("fully logged in", Some(full.as_str())),
        ("enrolled", Some(enrolled.cookie.as_str())),
        ("half logged in", Some(half.as_str())),
        ("logged out", Some(ended.as_str())),
        ("forged", Some("session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
        ("no cookie", None),
    ];
    let app = &app;
    let both = |cookie| async move {
        let beside = app.call("session", &[], cookie).await;
        let through = app.call("session", &[("unused", "1")], cookie).await;
        (beside, through)
    };
    for (caller, cookie) in callers {
        let (beside, through) = both(cookie).await;
        beside.expect_status_for(StatusCode::OK, caller);
        assert_eq!(
            (beside.status, &beside.headers[header::CONTENT_TYPE], &beside.body),
            (through.status, &through.headers[header::CONTENT_TYPE], &through.body),
            "{caller}"
        );
    }
    let (beside, _) = both(Some(half.as_str())).await;
    assert_eq!(beside.json()["level"], "password_verified");

    app.state.db.close().await;
    let (beside, through) = both(Some(full.as_str())).await;
    beside.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!((beside.status, &beside.body), (through.status, &through.body));
    assert_eq!(beside.json()["error"], "database_unavailable");
}

/// Signs an account up on a new `app` and answers its id and epoch.
async fn the_only_account(app: &TestApp) -> (UserId, AuthEpoch) {
    app.sign_up("ada@example.org").await;
    sqlx::query_as("SELECT id, auth_epoch FROM users").fetch_one(&app.state.db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_when_idle_and_at_their_absolute_lifetime() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (user_id, epoch) = the_only_account(&app).await;
    let t0 = 1_800_000_000;
    let level = AuthLevel::FullyAuthenticated;

    let idle = sessions::start(db, user_id, level, epoch, &Caller::at(t0)).await.unwrap();
    assert!(sessions::find(db, &idle, t0 + sessions::IDLE_TIMEOUT_SECS - 1).await.unwrap().is_some());
    let later = t0 + 2 * sessions::IDLE_TIMEOUT_SECS;
    assert!(sessions::find(db, &idle, later).await.unwrap().is_none());

    // Used every 20 minutes, a session still ends after 12 hours.
    let busy = sessions::start(db, user_id, level, epoch, &Caller::at(t0)).await.unwrap();
    let mut now = t0;
    while now + 20 * 60 < t0 + sessions::ABSOLUTE_TIMEOUT_SECS {
        now += 20 * 60;
        assert!(sessions::find(db, &busy, now).await.unwrap().is_some(), "at {}", now - t0);
    }
    assert!(sessions::find(db, &busy, t0 + sessions::ABSOLUTE_TIMEOUT_SECS).await.unwrap().is_none());

    let half =
        sessions::start(db, user_id, AuthLevel::PasswordVerified, epoch, &Caller::at(t0)).await.unwrap();
    let found = sessions::find(db, &half, t0 + 60).await.unwrap().unwrap();
    assert_eq!(found.level, AuthLevel::PasswordVerified);
    assert!(sessions::find(db, &half, t0 + sessions::PENDING_SECOND_FACTOR_SECS).await.unwrap().is_none());
}

/// The session check reads a session in a query of its own (`find_viewer`): it must find the
/// same sessions as every other request (`find`), under the same rules, and answer the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_check_finds_exactly_the_sessions_every_request_finds() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let (user_id, epoch) = the_only_account(&app).await;
    let t0 = 1_800_000_000;
    let (full, half) = (AuthLevel::FullyAuthenticated, AuthLevel::PasswordVerified);
    // Two sessions alike for each case, one for each query: a session over is deleted on sight.
    let compare = |case: &'static str, level, seen_at: Option<i64>, at: i64, live: bool| async move {
        let mut pair = Vec::new();
        for _ in 0..2 {
            let token = sessions::start(db, user_id, level, epoch, &Caller::at(t0)).await.unwrap();
            if let Some(seen_at) = seen_at {
                store::sessions::touch(db, &token.id(), seen_at).await.unwrap();
            }
            pair.push(token);
        }
        let found = sessions::find(db, &pair[0], at).await.unwrap().map(Viewer::from);
        let viewer = sessions::find_viewer(db, &pair[1], at).await.unwrap();
        assert_eq!(viewer, found, "{case}");
        assert_eq!(viewer.is_some(), live, "{case}");
        viewer
    };
    let fresh = compare("fresh", full, None, t0 + 60, true).await.unwrap();
    assert_eq!((fresh.level, fresh.email_confirmed), (full, false));
    compare("idle too long", full, None, t0 + sessions::IDLE_TIMEOUT_SECS, false).await;
    let near_the_end = Some(t0 + sessions::ABSOLUTE_TIMEOUT_SECS - 60);
    compare("used until its last minute", full, near_the_end, t0 + sessions::ABSOLUTE_TIMEOUT_SECS - 1, true)
        .await;
    compare("past its lifetime", full, near_the_end, t0 + sessions::ABSOLUTE_TIMEOUT_SECS, false).await;
    let pending = compare("half logged in", half, None, t0 + 60, true).await.unwrap();
    assert_eq!(pending.level, half);
    compare("half logged in too long", half, None, t0 + sessions::PENDING_SECOND_FACTOR_SECS, false).await;

    sqlx::query("UPDATE users SET email_confirmed_at = $1").bind(t0).execute(db).await.unwrap();
    assert!(compare("address confirmed", full, None, t0 + 60, true).await.unwrap().email_confirmed);
    // The account moves to another epoch (2FA turned on elsewhere): its sessions are over.
    sqlx::query("UPDATE users SET auth_epoch = auth_epoch + 1").execute(db).await.unwrap();
    compare("of a past epoch", full, None, t0 + 60, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_logged_in_session_cannot_reach_the_webapp() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    app.sign_up("ada@example.org").await;
    let (user_id, epoch): (UserId, AuthEpoch) =
        sqlx::query_as("SELECT id, auth_epoch FROM users").fetch_one(db).await.unwrap();
    let now = app::backend::unix_now();
    let token =
        sessions::start(db, user_id, AuthLevel::PasswordVerified, epoch, &Caller::at(now)).await.unwrap();
    let cookie = format!("session={}", token.as_str());
    let account = app.call("account", &[], Some(&cookie)).await;
    account.expect_status(StatusCode::FORBIDDEN);
    assert_eq!(account.json()["error"], "second_factor_required");
    let page = app.get_page("/settings", Some(&cookie)).await;
    assert!(page.body.contains("Two-factor authentication</h1>"), "the code prompt, and only it");
    assert!(!page.body.contains("Member since"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_behind_the_login_show_the_login_page_to_anonymous_visitors() {
    let app = TestApp::new().await;
    for path in ["/", "/settings", "/settings/security"] {
        let page = app.get_page(path, None).await;
        page.expect_status_for(StatusCode::OK, path);
        assert!(page.body.contains(">Log in</h1>"), "{path}: {}", page.body);
        assert!(!page.body.contains("Log out"), "{path}");
    }
    let cookie = app.sign_up("ada@example.org").await;
    let page = app.get_page("/settings/security", Some(&cookie)).await;
    assert!(page.body.contains("Two-factor authentication for your account (2FA)"));
    assert!(page.body.contains("ada@example.org"));
    assert!(!page.body.contains(">Log in</h1>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_page_is_a_404() {
    let app = TestApp::new().await;
    app.get_page("/no/such/page", None).await.expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_basic_security_headers() {
    let app = TestApp::new().await;
    let page = app.get_page("/", None).await;
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    assert_eq!(page.headers["x-frame-options"], "DENY");
}
