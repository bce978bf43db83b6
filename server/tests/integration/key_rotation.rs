//! `server rotate-key`: every secret re-encrypted under a new key, and 2FA still works.

use crate::common;

use common::{app_code, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::crypto::sealing::DataKey;
use app::backend::unix_now;
use server::storage;

async fn key_ids_in_database(app: &TestApp) -> Vec<u8> {
    let mut ids = Vec::new();
    for sql in [
        "SELECT secret FROM totp_credentials",
        "SELECT secret FROM totp_pending",
        "SELECT codes FROM backup_code_downloads",
        "SELECT sealed FROM mail_outbox",
    ] {
        let values: Vec<Vec<u8>> = sqlx::query_scalar(sql).fetch_all(&app.state.db).await.unwrap();
        ids.extend(values.iter().map(|v| v[0]));
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_key_re_encrypts_every_secret_and_logins_go_on() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed("ada@example.org").await;
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await.json();
    let key = setup["key"].as_str().unwrap().replace(' ', "");
    let confirmed =
        app.call("two-factor/confirm", &[("code", &app_code(&key, unix_now()))], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    // Another account is in the middle of its setup: its pending key is rotated too.
    let bob = app.sign_up_confirmed("bob@example.org").await;
    let bobs = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&bob)).await.json();
    let bobs_key = bobs["key"].as_str().unwrap().replace(' ', "");
    // Three secrets, and three mails waiting (two confirmations of sign-ups, one 2FA on).
    assert_eq!(key_ids_in_database(&app).await, [1; 6]);

    let (id, changed) = server::rotation::rotate_key(&app.config).await.unwrap();
    assert_eq!((id, changed), (2, 6));
    assert_eq!(storage::read_key(&app.config.key_file).unwrap().id, 2);
    assert!(!storage::next_key_path(&app.config.key_file).exists());
    assert_eq!(key_ids_in_database(&app).await, [2; 6]);

    // An interrupted rotation (the next key written, nothing else) stops servers from starting,
    // and running the command again finishes it.
    let next = storage::next_key_path(&app.config.key_file);
    storage::write_new_key(&next, &DataKey::generate(3)).unwrap();
    assert!(server::app_state(&app.config).await.is_err());
    assert_eq!(server::rotation::rotate_key(&app.config).await.unwrap(), (3, 6));

    // A server started with the rotated key reads the secret: a code logs in.
    let state = server::app_state(&app.config).await.unwrap();
    let router = server::routing::router(state.clone(), server::leptos_options(&app.config));
    let restarted = TestApp { router, ..app };
    let half = restarted
        .call("login", &[("email", "ada@example.org"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let login =
        restarted.call("login/code", &[("code", &app_code(&key, unix_now() + 30))], Some(&half)).await;
    login.expect_status(StatusCode::OK);
    // The pending key, re-encrypted, still confirms Bob's setup.
    let confirmed =
        restarted.call("two-factor/confirm", &[("code", &app_code(&bobs_key, unix_now()))], Some(&bob)).await;
    confirmed.expect_status(StatusCode::OK);
    // The mails queued before the rotation open and go out too.
    let mailer = server::mail::Mailer::from_config(&restarted.config).unwrap();
    let sent = server::mail::deliver_due(&state, &mailer, unix_now()).await.unwrap();
    assert_eq!(app::backend::store::outbox::waiting(&state.db).await.unwrap(), 0);
    assert!(sent >= 3, "{sent}");
}
