//! Security mails against a real SMTP server (aiosmtpd): each change to an account's factors,
//! each backup code used, each reused or repeatedly wrong code and each login from a new
//! browser is mailed to the holder once, as text and HTML, with no secret in it; mails wait
//! while the mail server is down and arrive once when it is back, also with two instances.

use std::time::Duration;

use http::StatusCode;

use crate::common;
use app::backend::store::outbox;
use app::backend::unix_now;
use common::smtp::{Received, SmtpServer};
use common::{app_code, wrong_code, TestApp, PASSWORD};
use server::mail::{deliver_due, Mailer};

const EMAIL: &str = "holder@example.com";

async fn app_with(smtp: &SmtpServer) -> (TestApp, Mailer) {
    let url = smtp.url();
    let app = TestApp::with_config(|c| c.smtp_url = Some(url)).await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    (app, mailer)
}

async fn password_step(app: &TestApp) -> String {
    let reply = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    reply.session_cookie().unwrap()
}

fn subjects(received: &[Received]) -> Vec<String> {
    received.iter().map(|m| m.subject.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_security_mail_arrives_once_as_text_and_html_without_secrets() {
    let smtp = SmtpServer::start();
    let (app, mailer) = app_with(&smtp).await;
    let enrolled = app.enroll(EMAIL).await;
    let now = unix_now();

    // A login with a backup code, from a browser without the account's device cookie.
    let half = password_step(&app).await;
    let reply = app.call("login/backup-code", &[("code", &enrolled.backup_codes[0])], Some(&half)).await;
    reply.expect_status(StatusCode::OK);
    let device = reply.cookie("device").expect("a device cookie");
    // The same browser again, now with its device cookie: no new-browser mail.
    let half = password_step(&app).await;
    let code = app_code(&enrolled.key, now);
    let cookies = format!("{half}; {device}");
    let full = app.call("login/code", &[("code", &code)], Some(&cookies)).await;
    full.expect_status(StatusCode::OK);
    let full = full.session_cookie().unwrap();
    // The same code again, from the same browser: refused as reused. Four wrong codes: one mail,
    // at the third. (With the device cookie they count on the browser's own limit, so the
    // account's stays free for what follows.)
    let half = password_step(&app).await;
    let cookies = format!("{half}; {device}");
    let reused = app.call("login/code", &[("code", &code)], Some(&cookies)).await;
    reused.expect_status(StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        let wrong =
            app.call("login/code", &[("code", &wrong_code(&enrolled.key, now))], Some(&cookies)).await;
        wrong.expect_status(StatusCode::UNAUTHORIZED);
    }
    let form = [("password", PASSWORD), ("code", enrolled.backup_codes[1].as_str())];
    let fresh = app.call("two-factor/backup-codes/regenerate", &form, Some(&full)).await;
    fresh.expect_status(StatusCode::OK);
    let new_codes: Vec<String> = serde_json::from_value(fresh.json()["codes"].clone()).unwrap();
    let form = [("password", PASSWORD), ("code", new_codes[0].as_str())];
    let off = app.call("two-factor/disable", &form, Some(&full)).await;
    off.expect_status(StatusCode::OK);

    assert_eq!(deliver_due(&app.state, &mailer, unix_now()).await.unwrap(), 10);
    assert_eq!(deliver_due(&app.state, &mailer, unix_now() + 3600).await.unwrap(), 0);
    assert_eq!(outbox::waiting(&app.state.db).await.unwrap(), 0);
    let received = smtp.wait_for(10, Duration::from_secs(10)).await;
    let used = "A backup code of your WebApp account was used";
    assert_eq!(
        subjects(&received),
        [
            "Confirm your email address for WebApp",
            "Two-factor authentication was turned on for your WebApp account",
            used,
            "New login to your WebApp account",
            "A code already used was tried on your WebApp account",
            "Wrong codes were entered for your WebApp account",
            used,
            "New backup codes were made for your WebApp account",
            used,
            "Two-factor authentication was turned off for your WebApp account",
        ]
    );
    assert!(received[2].text.contains("9 unused backup codes are left"), "{}", received[2].text);
    assert!(received[6].text.contains("8 unused backup codes are left"), "{}", received[6].text);
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), received.len(), "a Message-ID of its own each");
    let mut secrets: Vec<String> = enrolled.backup_codes.clone();
    secrets.extend(new_codes);
    secrets.extend([enrolled.key.clone(), code, PASSWORD.to_owned()]);
    for mail in &received[1..] {
        assert_eq!(mail.to, EMAIL);
        for part in [&mail.text, &mail.html] {
            assert!(part.contains("UTC"), "when: {part}");
            assert!(part.contains("127.0.0.1"), "from where: {part}");
            assert!(part.contains("If this was not you"), "what to do: {part}");
            assert!(part.contains("/settings/security"), "{part}");
        }
        for secret in &secrets {
            assert!(!mail.raw.contains(secret.as_str()), "{secret} in {}", mail.subject);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mails_wait_while_the_mail_server_is_down_and_then_arrive_once() {
    let mut smtp = SmtpServer::start();
    let (app, mailer) = app_with(&smtp).await;
    smtp.stop();
    let enrolled = app.enroll(EMAIL).await;
    let form = [("password", PASSWORD), ("code", enrolled.backup_codes[0].as_str())];
    let fresh = app.call("two-factor/backup-codes/regenerate", &form, Some(&enrolled.cookie)).await;
    fresh.expect_status(StatusCode::OK);

    let now = unix_now();
    assert_eq!(deliver_due(&app.state, &mailer, now).await.unwrap(), 0);
    // The confirmation of the sign-up, 2FA on, the backup code used, the new backup codes.
    assert_eq!(outbox::waiting(&app.state.db).await.unwrap(), 4, "kept while the server is down");
    // Still down at the first retry.
    assert_eq!(deliver_due(&app.state, &mailer, now + 60).await.unwrap(), 0);
    assert_eq!(outbox::waiting(&app.state.db).await.unwrap(), 4);

    smtp.start_again();
    // Not due yet: the delay has doubled.
    assert_eq!(deliver_due(&app.state, &mailer, now + 61).await.unwrap(), 0);
    assert_eq!(deliver_due(&app.state, &mailer, now + 3600).await.unwrap(), 4);
    assert_eq!(deliver_due(&app.state, &mailer, now + 7200).await.unwrap(), 0);
    let received = smtp.wait_for(5, Duration::from_secs(3)).await;
    assert_eq!(
        subjects(&received),
        [
            "Confirm your email address for WebApp",
            "Two-factor authentication was turned on for your WebApp account",
            "A backup code of your WebApp account was used",
            "New backup codes were made for your WebApp account",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_and_its_change_are_committed_together() {
    let smtp = SmtpServer::start();
    let (app, _mailer) = app_with(&smtp).await;
    let enrolled = app.enroll(EMAIL).await;
    // The outbox refuses rows: turning 2FA off must fail whole, not go through unmailed.
    let refuse = if common::is_postgres(&app.config) {
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
         CREATE TRIGGER refuse BEFORE INSERT ON mail_outbox FOR EACH ROW EXECUTE FUNCTION refuse();"
    } else {
        "CREATE TRIGGER refuse BEFORE INSERT ON mail_outbox BEGIN SELECT RAISE(ABORT, 'no'); END;"
    };
    sqlx::raw_sql(refuse).execute(&app.state.db).await.unwrap();
    let form = [("password", PASSWORD), ("code", enrolled.backup_codes[0].as_str())];
    let off = app.call("two-factor/disable", &form, Some(&enrolled.cookie)).await;
    off.expect_status(StatusCode::INTERNAL_SERVER_ERROR);
    let status = app.call("two-factor/status", &[], Some(&enrolled.cookie)).await.json();
    assert_eq!(status["enabled"], true, "2FA stays on when its mail cannot be queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_mail_server_mails_are_written_to_the_outbox_folder() {
    let app = TestApp::new().await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    app.enroll(EMAIL).await;
    assert_eq!(deliver_due(&app.state, &mailer, unix_now()).await.unwrap(), 2);
    let files: Vec<_> =
        std::fs::read_dir(&app.config.outbox_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2);
    let mut subjects: Vec<String> = files
        .iter()
        .map(|file| {
            assert_eq!(file.extension().unwrap(), "eml");
            let mail = common::smtp::parse(&std::fs::read(file).unwrap());
            assert_eq!(mail.to, EMAIL);
            mail.subject
        })
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "Confirm your email address for WebApp",
            "Two-factor authentication was turned on for your WebApp account"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_each_mail_once() {
    use common::process::{call, start_with, wait_until_up};
    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let url = smtp.url();
    let env = [("WEBAPP_SMTP_URL", url.as_str())];
    let client = reqwest::Client::new();
    let mut a = start_with(&database_url, dir.path(), "info", &env);
    wait_until_up(&client, &mut a).await;
    let mut b = start_with(&database_url, dir.path(), "info", &env);
    wait_until_up(&client, &mut b).await;
    // Ten accounts sign up and turn 2FA on, half through each instance: twenty mails, both
    // workers polling.
    for i in 0..10 {
        let instance = if i % 2 == 0 { &a } else { &b };
        let email = format!("holder{i}@example.com");
        let signup =
            call(&client, instance, "signup", &[("email", &email), ("password", PASSWORD)], None).await;
        let cookie = signup.cookie.unwrap();
        common::confirm_address_in(&database_url, &email).await;
        let setup =
            call(&client, instance, "two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await;
        let key = setup.json["key"].as_str().unwrap().replace(' ', "");
        let code = app_code(&key, unix_now());
        let confirmed =
            call(&client, instance, "two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
        confirmed.expect_status(StatusCode::OK);
    }
    let received = smtp.wait_for(20, Duration::from_secs(30)).await;
    // Time for a second copy to show up, were one sent.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received_late = smtp.received();
    assert_eq!(received.len(), 20);
    assert_eq!(received_late.len(), 20, "no mail twice");
    let mut sent: Vec<(String, String)> =
        received_late.iter().map(|m| (m.to.clone(), m.subject.clone())).collect();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 20);
    let log = std::fs::read_to_string(&a.log_path).unwrap();
    assert!(log.contains("security mails are sent to the mail server of --smtp-url"), "{log}");
    assert!(!log.contains(&url), "the SMTP URL, which may hold a password, is never logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_server_delivers_once_the_mail_server_is_back() {
    use common::process::{call, start_with, wait_until_up};
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let url = smtp.url();
    let client = reqwest::Client::new();
    let mut server = start_with(&database_url, dir.path(), "info", &[("WEBAPP_SMTP_URL", url.as_str())]);
    wait_until_up(&client, &mut server).await;
    let signup = call(&client, &server, "signup", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    signup.expect_status(StatusCode::OK);
    // The worker tries, fails and waits; the mail server comes back two seconds later.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(smtp.received().is_empty());
    smtp.start_again();
    let received = smtp.wait_for(1, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(subjects(&received), ["Confirm your email address for WebApp"]);
    assert_eq!(smtp.received().len(), 1, "once");
    let log = std::fs::read_to_string(&server.log_path).unwrap();
    assert!(log.contains("mail not sent"), "the failure is logged: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_that_cannot_be_sent_does_not_hold_up_the_others() {
    use app::backend::mail::outbox::{queue, Mail};
    let smtp = SmtpServer::start();
    let (app, mailer) = app_with(&smtp).await;
    // An address that no mail server takes, queued first (sign-up refuses such addresses now;
    // older rows, or a server that refuses a recipient, look the same to the worker).
    let bad = Mail {
        recipient: "a,b@example.com".into(),
        subject: "never".into(),
        text_body: "never".into(),
        html_body: "<p>never</p>".into(),
    };
    queue(&app.state.db, &app.state.settings.data_key, &bad, unix_now()).await.unwrap();
    app.sign_up(EMAIL).await;
    assert_eq!(deliver_due(&app.state, &mailer, unix_now()).await.unwrap(), 1, "the good mail went out");
    let received = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(subjects(&received), ["Confirm your email address for WebApp"]);
    assert_eq!(outbox::waiting(&app.state.db).await.unwrap(), 1, "the bad one waits, tried again later");
}
