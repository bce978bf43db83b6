//! Temporary access codes (issue 27, point 3), given on the command line: a person who lost the
//! phone and the backup codes logs in with the password and a code, and can do nothing but set
//! up 2FA again, which replaces every old factor.

use crate::common::{app_code, TestApp, PASSWORD};
use http::StatusCode;
use server::config::AdminCommand;

async fn give(app: &TestApp, email: &str, hours: u32) -> String {
    let command = AdminCommand::AccessCode {
        email: email.into(),
        reason: "Lost phone; identity checked by a video call".into(),
        hours,
    };
    let printed = server::admin::run(&app.state, command, app::backend::unix_now()).await.unwrap();
    let code = printed.split_whitespace().find(|w| w.len() == 19 && w.matches('-').count() == 3);
    code.unwrap_or_else(|| panic!("no code in {printed:?}")).to_owned()
}

async fn password_step(app: &TestApp, email: &str) -> String {
    let half = app.call("login", &[("email", email), ("password", PASSWORD)], None).await;
    assert_eq!(half.json()["level"], "password_verified");
    half.session_cookie().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_who_lost_the_phone_logs_in_with_a_code_and_sets_up_2fa_again() {
    let app = TestApp::new().await;
    let email = "ann@example.org";
    let old = app.enroll(email).await;
    let code = give(&app, email, 4).await;
    let events = app.call("security/events", &[], Some(&old.cookie)).await.json();
    assert_eq!(events[0]["kind"], "access_code_given");

    let half = password_step(&app, email).await;
    let wrong = app.call("login/access-code", &[("code", "aaaa-bbbb-cccc-dddd")], Some(&half)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"], "access_code_invalid");
    let done = app.call("login/access-code", &[("code", &code.to_uppercase())], Some(&half)).await;
    done.expect_status(StatusCode::OK);
    let cookie = done.session_cookie().unwrap();

    // Nothing but the setup.
    let refused = app.call("account", &[], Some(&cookie)).await;
    refused.expect_status(StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"], "two_factor_setup_required");
    for endpoint in
        ["two-factor/backup-codes/regenerate", "two-factor/disable", "password/change", "sessions"]
    {
        let form = [("password", PASSWORD), ("current_password", PASSWORD), ("code", &old.backup_codes[0])];
        let refused = app.call(endpoint, &form, Some(&cookie)).await;
        refused.expect_status_for(StatusCode::FORBIDDEN, endpoint);
    }
    let standing = app.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing, serde_json::json!({"standing": "setup_again"}));
    assert_eq!(app.call("two-factor/status", &[], Some(&cookie)).await.json()["enabled"], false);
    let page = app.get_page("/", Some(&cookie)).await.body;
    assert!(page.contains("Set up two-factor authentication</h1>") && !page.contains("Inbox"), "{page}");

    // A new phone: the setup replaces every old factor.
    let begun = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    begun.expect_status(StatusCode::OK);
    let key = begun.json()["key"].as_str().unwrap().replace(' ', "");
    assert_ne!(key, old.key);
    let now = app::backend::unix_now();
    let confirmed = app.call("two-factor/confirm", &[("code", &app_code(&key, now))], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let events = app.call("security/events", &[], Some(&cookie)).await.json();
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"access_code_used") && kinds.contains(&"two_factor_enabled"), "{kinds:?}");

    // The old key and the old backup codes no longer log in; the code works once only.
    let half = password_step(&app, email).await;
    let refused = app.call("login/code", &[("code", &app_code(&old.key, now + 30))], Some(&half)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);
    let refused = app.call("login/backup-code", &[("code", &old.backup_codes[1])], Some(&half)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);
    let again = app.call("login/access-code", &[("code", &code)], Some(&half)).await;
    again.expect_status(StatusCode::UNAUTHORIZED);
    let new = app.call("login/code", &[("code", &app_code(&key, now + 30))], Some(&half)).await;
    new.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_is_bound_to_its_account_expires_and_is_given_only_within_bounds() {
    let app = TestApp::new().await;
    app.enroll("ann@example.org").await;
    app.enroll("bob@example.org").await;
    let anns = give(&app, "ann@example.org", 1).await;
    let bob = password_step(&app, "bob@example.org").await;
    let refused = app.call("login/access-code", &[("code", &anns)], Some(&bob)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);

    let bobs = give(&app, "bob@example.org", 24).await;
    sqlx::query("UPDATE access_codes SET expires_at = $1")
        .bind(app::backend::unix_now() - 1)
        .execute(&app.state.db)
        .await
        .unwrap();
    let expired = app.call("login/access-code", &[("code", &bobs)], Some(&bob)).await;
    expired.expect_status(StatusCode::UNAUTHORIZED);
    // A new code ends the one before it.
    let first = give(&app, "bob@example.org", 2).await;
    let second = give(&app, "bob@example.org", 2).await;
    let ended = app.call("login/access-code", &[("code", &first)], Some(&bob)).await;
    ended.expect_status(StatusCode::UNAUTHORIZED);
    app.call("login/access-code", &[("code", &second)], Some(&bob)).await.expect_status(StatusCode::OK);

    let now = app::backend::unix_now();
    for (hours, reason) in [(0, "lost"), (25, "lost"), (4, "  ")] {
        let command =
            AdminCommand::AccessCode { email: "ann@example.org".into(), reason: reason.into(), hours };
        let refused = server::admin::run(&app.state, command, now).await;
        assert!(matches!(refused, Err(app::AppError::BadRequest { .. })), "{hours} {reason:?}: {refused:?}");
    }
    // Only the hash is kept.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM access_codes").fetch_all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|h| h.len() == 64 && !h.contains('-')));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_ends_all_sessions_or_sends_the_account_back_to_the_setup() {
    let app = TestApp::new().await;
    let email = "ann@example.org";
    let old = app.enroll(email).await;
    let now = app::backend::unix_now();
    let end = AdminCommand::EndSessions { email: email.into(), reason: "laptop stolen, she called".into() };
    let printed = server::admin::run(&app.state, end, now).await.unwrap();
    assert!(printed.contains("1 session"), "{printed}");
    app.call("account", &[], Some(&old.cookie)).await.expect_status(StatusCode::UNAUTHORIZED);

    // Back to the setup: her next login, even with the old key, reaches nothing but a new one.
    let require =
        AdminCommand::RequireSetup { email: email.into(), reason: "key seen on a screenshot".into() };
    server::admin::run(&app.state, require, now).await.unwrap();
    let half = password_step(&app, email).await;
    let done = app.call("login/code", &[("code", &app_code(&old.key, now))], Some(&half)).await;
    done.expect_status(StatusCode::OK);
    let cookie = done.session_cookie().unwrap();
    let standing = app.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing["standing"], "setup_again");
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::FORBIDDEN);
    let begun = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await.json();
    let key = begun["key"].as_str().unwrap().replace(' ', "");
    let confirmed = app.call("two-factor/confirm", &[("code", &app_code(&key, now))], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let half = password_step(&app, email).await;
    let refused = app.call("login/code", &[("code", &app_code(&old.key, now + 30))], Some(&half)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);

    // Both are in her activity, and the record says who and why.
    let events = app.call("security/events", &[], Some(&cookie)).await.json();
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"sessions_ended_by_administrator")
            && kinds.contains(&"setup_required_by_administrator")
    );
    let record: Vec<(String, String, String)> =
        sqlx::query_as("SELECT action, given_by, reason FROM admin_actions ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        record[0],
        ("end_all_sessions".into(), "the command line".into(), "laptop stolen, she called".into())
    );
    assert_eq!(record[1].0, "require_setup_again");
}
