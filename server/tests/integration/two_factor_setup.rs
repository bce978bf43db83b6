//! Turning 2FA on: the server functions of the setup modal, through the router on SQLite.

use crate::common;

use common::{app_code, spaced, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::second_factor::{self, authenticator, backup_codes, Method};
use app::backend::{caller::Caller, unix_now};
use app::AppError;

async fn begin(app: &TestApp, cookie: &str) -> serde_json::Value {
    let reply = app.call("two-factor/begin", &[("password", PASSWORD)], Some(cookie)).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.headers["cache-control"], "no-store");
    reply.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_issues_a_pending_secret_with_uri_qr_and_grouped_key() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = begin(&app, &cookie).await;
    let key = setup["key"].as_str().unwrap();
    let groups: Vec<&str> = key.split(' ').collect();
    assert_eq!(groups.len(), 8, "{key}");
    assert!(groups.iter().all(|g| g.len() == 4));
    let raw_key = key.replace(' ', "");
    assert_eq!(
        setup["uri"],
        format!("otpauth://totp/WebApp:ada@example.org?secret={raw_key}&issuer=WebApp&algorithm=SHA1&digits=6&period=30")
    );
    assert_eq!(setup["account_name"], "ada@example.org");
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));

    // Reopening the modal shows the same key: one saved for another phone stays valid.
    let again = begin(&app, &cookie).await;
    assert_eq!(again["key"], setup["key"]);

    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!(status["enabled"], false, "a pending secret does not turn 2FA on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_needs_a_session_and_the_right_password() {
    let app = TestApp::new().await;
    let anonymous = app.call("two-factor/begin", &[("password", PASSWORD)], None).await;
    anonymous.expect_status(StatusCode::UNAUTHORIZED);

    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let wrong = app.call("two-factor/begin", &[("password", "not my password")], Some(&cookie)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["message"], "Incorrect password.");
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM totp_pending").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(pending, 0);

    let missing = app.call("two-factor/begin", &[], Some(&cookie)).await;
    missing.expect_status(StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_from_the_app_turns_2fa_on_with_ten_hashed_backup_codes() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;

    let early = app.call("two-factor/confirm", &[("code", "123456")], Some(&cookie)).await;
    early.expect_status(StatusCode::CONFLICT);
    assert_eq!(early.json()["error"], "no_pending_setup");

    let setup = begin(&app, &cookie).await;
    let key = setup["key"].as_str().unwrap();

    for (typed, error) in [("", "code_missing"), ("12345", "code_malformed"), ("12a456", "code_malformed")] {
        let reply = app.call("two-factor/confirm", &[("code", typed)], Some(&cookie)).await;
        reply.expect_status_for(StatusCode::BAD_REQUEST, format_args!("{typed:?}"));
        assert_eq!(reply.json()["error"], error);
    }
    let wrong_code = {
        let right = app_code(key, unix_now());
        format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000)
    };
    let wrong = app.call("two-factor/confirm", &[("code", &wrong_code)], Some(&cookie)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    assert!(wrong.json()["message"].as_str().unwrap().contains("time automatically"));

    let code = spaced(&app_code(key, unix_now()));
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    assert_eq!(confirmed.headers["cache-control"], "no-store");
    let codes: Vec<String> = serde_json::from_value(confirmed.json()["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);

    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["backup_codes_left"], 10);

    let db = &app.state.db;
    let hashes: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM backup_codes").fetch_all(db).await.unwrap();
    assert_eq!(hashes.len(), 10);
    for (hash, code) in hashes.iter().zip(&codes) {
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains(&code.replace('-', "")));
    }
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM totp_pending").fetch_one(db).await.unwrap();
    assert_eq!(pending, 0, "the pending secret became the credential");
    let last_step: i64 =
        sqlx::query_scalar("SELECT last_step FROM totp_credentials").fetch_one(db).await.unwrap();
    assert!((last_step - unix_now() / 30).abs() <= 1, "the setup code's step is used up");

    // 2FA is on: no second setup, no second confirmation.
    let begin_again = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    begin_again.expect_status(StatusCode::CONFLICT);
    assert_eq!(begin_again.json()["error"], "two_factor_already_on");
    let confirm_again = app.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
    confirm_again.expect_status(StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_accepted_one_step_either_side_and_not_further() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let session = app.session_of(&cookie).await;
    let now = unix_now();
    let setup = authenticator::begin_setup(&app.state, &session, PASSWORD, &Caller::at(now)).await.unwrap();
    for offset in [-60, 60] {
        let code = app_code(&setup.key, now + offset);
        assert_eq!(
            second_factor::finish_enrolment(
                &app.state,
                &session,
                Method::Authenticator,
                &code,
                &Caller::at(now)
            )
            .await,
            Err(AppError::WrongCode),
            "offset {offset}"
        );
    }
    let code = app_code(&setup.key, now - 30);
    assert!(second_factor::finish_enrolment(
        &app.state,
        &session,
        Method::Authenticator,
        &code,
        &Caller::at(now)
    )
    .await
    .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_secret_expires_after_15_minutes() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let session = app.session_of(&cookie).await;
    let t0 = unix_now();
    let first = authenticator::begin_setup(&app.state, &session, PASSWORD, &Caller::at(t0)).await.unwrap();
    assert_eq!(first.expires_at, Some(t0 + 15 * 60));
    let later =
        authenticator::begin_setup(&app.state, &session, PASSWORD, &Caller::at(t0 + 14 * 60)).await.unwrap();
    assert_eq!(later.key, first.key);

    let expired_at = t0 + 15 * 60;
    let code = app_code(&first.key, expired_at);
    assert_eq!(
        second_factor::finish_enrolment(
            &app.state,
            &session,
            Method::Authenticator,
            &code,
            &Caller::at(expired_at)
        )
        .await,
        Err(AppError::NoPendingSetup)
    );
    let fresh =
        authenticator::begin_setup(&app.state, &session, PASSWORD, &Caller::at(expired_at)).await.unwrap();
    assert_ne!(fresh.key, first.key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_codes_download_only_for_the_same_session_and_only_briefly() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = begin(&app, &cookie).await;
    let code = app_code(setup["key"].as_str().unwrap(), unix_now());
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
    let codes: Vec<String> = serde_json::from_value(confirmed.json()["codes"].clone()).unwrap();

    let file = app.call("two-factor/backup-codes", &[], Some(&cookie)).await;
    file.expect_status(StatusCode::OK);
    assert!(file.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(file.headers["cache-control"], "no-store");
    let today = app::dates::format_date(unix_now());
    assert_eq!(
        file.headers["content-disposition"],
        format!("attachment; filename=\"WebApp-backup-codes-{today}.txt\"").as_str()
    );
    for code in &codes {
        assert!(file.body.contains(code.as_str()), "{code} missing from {}", file.body);
    }
    assert!(file.body.contains("ada@example.org"));
    assert!(file.body.contains(&today));
    assert!(file.body.contains("works once"));

    // Another session of the same account cannot fetch them.
    let half = app
        .call("login", &[("email", "ada@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let next_code = app_code(setup["key"].as_str().unwrap(), unix_now() + 30);
    let other = app.call("login/code", &[("code", &next_code)], Some(&half)).await.session_cookie().unwrap();
    let elsewhere = app.call("two-factor/backup-codes", &[], Some(&other)).await;
    elsewhere.expect_status(StatusCode::GONE);
    assert_eq!(elsewhere.json()["error"], "backup_codes_unavailable");

    // Ten minutes later, not even the same session.
    let session = app.session_of(&cookie).await;
    let later = unix_now() + backup_codes::DOWNLOAD_WINDOW_SECS;
    assert!(matches!(
        backup_codes::backup_code_file(&app.state, &session, later, app::i18n::Locale::en).await,
        Err(AppError::BackupCodesUnavailable)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_neither_the_secret_nor_the_backup_codes_in_clear() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = begin(&app, &cookie).await;
    let key = setup["key"].as_str().unwrap().replace(' ', "");
    let code = app_code(&key, unix_now());
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    let codes: Vec<String> = serde_json::from_value(confirmed.json()["codes"].clone()).unwrap();

    if !common::is_postgres(&app.config) {
        use std::os::unix::fs::PermissionsExt;
        let db_path =
            app.config.database_url.trim_start_matches("sqlite://").split('?').next().unwrap().to_owned();
        let mode = std::fs::metadata(&db_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the database file is readable by others: {mode:o}");
    }
    // The SQLite file with its WAL, or every PostgreSQL row as text (bytes as hex).
    let contents = app.database_contents().await;
    assert!(common::contains(&contents, b"ada@example.org"), "the scan sees the table contents");
    let secret = totp_rs::Secret::try_from_base32(&key).unwrap().as_bytes().to_vec();
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!common::contains(&contents, key.as_bytes()), "base32 secret found in the database");
    assert!(!common::contains(&contents, &secret), "raw secret found in the database");
    assert!(!common::contains(&contents, hex.as_bytes()), "hex secret found in the database");
    for code in &codes {
        assert!(!common::contains(&contents, code.as_bytes()));
        assert!(!common::contains(&contents, code.replace('-', "").as_bytes()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_2fa_on_logs_out_every_other_session_of_the_account() {
    let app = TestApp::new().await;
    let here = app.sign_up_confirmed("ada@example.org").await;
    let login = app.call("login", &[("email", "ada@example.org"), ("password", PASSWORD)], None).await;
    let elsewhere =
        login.session_cookie().expect("a second session, as another device or a thief would have");
    let someone_else = app.sign_up_confirmed("bob@example.org").await;

    let setup = begin(&app, &here).await;
    let code = app_code(setup["key"].as_str().unwrap(), unix_now());
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(&here)).await;
    confirmed.expect_status(StatusCode::OK);

    let shut_out = app.call("account", &[], Some(&elsewhere)).await;
    shut_out.expect_status(StatusCode::UNAUTHORIZED);
    assert_eq!(shut_out.json()["error"], "login_required");
    for cookie in [&here, &someone_else] {
        app.call("account", &[], Some(cookie)).await.expect_status(StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_parallel_confirmations_of_one_session_turn_2fa_on_once() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = begin(&app, &cookie).await;
    let code = app_code(&setup["key"].as_str().unwrap().replace(' ', ""), unix_now());
    let first = app.spawn_call("two-factor/confirm", &[("code", &code)], &cookie);
    let second = app.spawn_call("two-factor/confirm", &[("code", &code)], &cookie);
    let mut replies = [first.await.unwrap(), second.await.unwrap()];
    replies.sort_by_key(|r| r.status);
    replies[0].expect_status(StatusCode::OK);
    replies[1].expect_status(StatusCode::CONFLICT);
    assert_eq!(replies[1].json()["error"], "two_factor_already_on");
    app.call("account", &[], Some(&cookie))
        .await
        .expect_status_for(StatusCode::OK, "the session stays logged in");
}
