//! `--require-two-factor` (issue 27, point 4): a countdown, then nothing but the setup, and no
//! turning 2FA off. The clock is moved by restarting on the same database with the policy's
//! start and the account's sign-up set back.

use crate::common::{app_code, TestApp, PASSWORD};
use http::StatusCode;

const DAY: i64 = 24 * 60 * 60;

async fn required(grace_days: u32) -> TestApp {
    TestApp::with_config(|config| {
        config.require_two_factor = true;
        config.two_factor_grace_days = grace_days;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_2fa_gets_a_countdown_then_nothing_but_the_setup() {
    let app = required(14).await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let standing = app.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing, serde_json::json!({"standing": "grace", "days_left": 14}));
    app.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let inbox = app.get_page("/", Some(&cookie)).await.body;
    assert!(inbox.contains("Set it up within 14 days."), "no countdown on the Inbox");

    // Ten days later (the policy and the account both began ten days ago).
    let back = |days: i64| app::backend::unix_now() - days * DAY;
    sqlx::query("UPDATE policies SET since = $1").bind(back(10)).execute(&app.state.db).await.unwrap();
    sqlx::query("UPDATE users SET created_at = $1").bind(back(10)).execute(&app.state.db).await.unwrap();
    let later = app.restarted(|_| {}).await;
    let standing = later.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing["days_left"], 4);

    // Fifteen days later: the grace period is over.
    sqlx::query("UPDATE policies SET since = $1").bind(back(15)).execute(&app.state.db).await.unwrap();
    sqlx::query("UPDATE users SET created_at = $1").bind(back(15)).execute(&app.state.db).await.unwrap();
    let over = app.restarted(|_| {}).await;
    for endpoint in ["account", "security/events", "sessions", "passkeys/rename", "sessions/end-others"] {
        let refused = over.call(endpoint, &[("id", "1"), ("name", "x")], Some(&cookie)).await;
        refused.expect_status_for(StatusCode::FORBIDDEN, endpoint);
        assert_eq!(refused.json()["error"], "two_factor_setup_required", "{endpoint}");
    }
    for page in ["/", "/settings", "/settings/security"] {
        let html = over.get_page(page, Some(&cookie)).await.body;
        assert!(html.contains("Set up two-factor authentication</h1>"), "{page}");
        assert!(!html.contains("Inbox"), "{page}");
    }

    // The setup itself stays open, and once 2FA is on everything opens again.
    let begun = over.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    begun.expect_status(StatusCode::OK);
    let key = begun.json()["key"].as_str().unwrap().replace(' ', "");
    let code = app_code(&key, app::backend::unix_now());
    over.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await.expect_status(StatusCode::OK);
    over.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let standing = over.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing, serde_json::json!({"standing": "free"}));

    // And it cannot be turned off while the policy holds, before any proof is used up.
    let backup = "aaaaa-aaaaa";
    let refused =
        over.call("two-factor/disable", &[("password", PASSWORD), ("code", backup)], Some(&cookie)).await;
    refused.expect_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"], "two_factor_required_by_policy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_account_counts_its_grace_from_the_day_the_policy_began() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("old@example.org").await;
    let long_ago = app::backend::unix_now() - 400 * DAY;
    sqlx::query("UPDATE users SET created_at = $1").bind(long_ago).execute(&app.state.db).await.unwrap();
    let standing = app.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing["standing"], "free", "no policy, no countdown");

    let now_required = app.restarted(|config| config.require_two_factor = true).await;
    let standing = now_required.call("two-factor/standing", &[], Some(&cookie)).await.json();
    assert_eq!(standing, serde_json::json!({"standing": "grace", "days_left": 14}));
    // A command (`server admin …`) run without the flag leaves the policy as it is.
    let config = now_required.config.clone();
    let command =
        server::app_state_for_command(&server::config::Config { require_two_factor: false, ..config })
            .await
            .unwrap();
    assert!(command.settings.two_factor_policy.is_some());
    // Started again without the policy, and again with it: the grace starts again.
    let dropped = app.restarted(|_| {}).await;
    dropped.call("account", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let policies: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM policies").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(policies, 0);

    // Who has not set it up yet, for the people who run the server.
    let without = server::config::AdminCommand::WithoutTwoFactor;
    let listed = server::admin::run(&now_required.state, without, app::backend::unix_now()).await.unwrap();
    assert_eq!(listed, "old@example.org\t14 days left");
    let without = server::config::AdminCommand::WithoutTwoFactor;
    let listed = server::admin::run(&dropped.state, without, app::backend::unix_now()).await.unwrap();
    assert_eq!(listed, "old@example.org");
}
