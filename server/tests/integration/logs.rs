//! Nothing secret reaches the log, even at trace level: a whole setup and login runs against the
//! server binary with RUST_LOG=trace, and its log is searched for every secret of the run.

use crate::common;

use common::process::{call, start, wait_until_up};
use common::{app_code, fresh_database_url, PASSWORD};
use reqwest::StatusCode;

use app::backend::unix_now;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_log_of_setup_and_login_holds_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let mut server = start(&database_url, dir.path(), "trace");
    let client = reqwest::Client::new();
    wait_until_up(&client, &mut server).await;
    let email = "ada@example.org";
    let wrong_password = "not the password, guessed";
    let mut secrets: Vec<String> = vec![PASSWORD.into(), wrong_password.into()];

    let signup = call(&client, &server, "signup", &[("email", email), ("password", PASSWORD)], None).await;
    let cookie = signup.cookie.unwrap();
    common::confirm_address_in(&database_url, email).await;
    secrets.push(cookie.trim_start_matches("session=").into());
    let setup = call(&client, &server, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
    let grouped = setup.json["key"].as_str().unwrap().to_owned();
    let key = grouped.replace(' ', "");
    secrets.extend([grouped, key.clone(), setup.json["uri"].as_str().unwrap().to_owned()]);
    let setup_code = app_code(&key, unix_now());
    let confirmed =
        call(&client, &server, "two-factor/confirm", &[("code", &setup_code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    let codes: Vec<String> = serde_json::from_value(confirmed.json["codes"].clone()).unwrap();
    let download = client
        .post(format!("{}/two-factor/backup-codes", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    secrets.push(setup_code);
    for code in &codes {
        secrets.push(code.clone());
        secrets.push(code.replace('-', ""));
    }
    call(&client, &server, "logout", &[], Some(&cookie)).await.expect_status(StatusCode::OK);

    let refused =
        call(&client, &server, "login", &[("email", email), ("password", wrong_password)], None).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);
    let half = call(&client, &server, "login", &[("email", email), ("password", PASSWORD)], None)
        .await
        .cookie
        .unwrap();
    let wrong_code = common::wrong_code(&key, unix_now());
    let refused = call(&client, &server, "login/code", &[("code", &wrong_code)], Some(&half)).await;
    refused.expect_status(StatusCode::UNAUTHORIZED);
    let code = app_code(&key, unix_now() + 30);
    let full = call(&client, &server, "login/code", &[("code", &code)], Some(&half)).await;
    full.expect_status(StatusCode::OK);
    secrets.extend([half.trim_start_matches("session=").into(), code, full.cookie.unwrap()]);

    let half = call(&client, &server, "login", &[("email", email), ("password", PASSWORD)], None)
        .await
        .cookie
        .unwrap();
    let backup = call(&client, &server, "login/backup-code", &[("code", &codes[1])], Some(&half)).await;
    backup.expect_status(StatusCode::OK);
    drop(server);

    let log = std::fs::read_to_string(
        dir.path()
            .read_dir()
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".log"))
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(log.lines().count() > 50, "trace logging was on: {} lines", log.lines().count());
    for secret in secrets.iter().filter(|s| s.len() >= 6) {
        let secret = secret.trim_start_matches("session=");
        assert!(!log.contains(secret), "the log holds a secret: {secret}");
    }
    // Even short codes: no 6-digit code typed in this run appears, as a number of its own (six
    // random digits do turn up inside the log's timestamps and durations now and then).
    let digits_around = |at: usize| {
        let before = log[..at].chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let after = log[at + wrong_code.len()..].chars().next().is_some_and(|c| c.is_ascii_digit());
        before || after
    };
    let found = log.match_indices(wrong_code.as_str()).find(|(at, _)| !digits_around(*at));
    assert!(found.is_none(), "the log holds the typed code {wrong_code}");
}
