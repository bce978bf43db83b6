//! Links sent by mail, received from a real SMTP server (aiosmtpd): the address confirmation
//! mailed at sign-up, and "Forgot password?", which with 2FA on still asks for the second
//! factor. Each link works once, and the database never holds its token in clear.

use std::time::Duration;

use http::StatusCode;

use crate::common;
use app::backend::caller::Caller;
use app::backend::store::email_links;
use app::backend::{account::address, account::password_reset, unix_now};
use common::smtp::{Received, SmtpServer};
use common::{app_code, wrong_code, TestApp, PASSWORD};
use server::mail::{deliver_due, Mailer};

const EMAIL: &str = "holder@example.com";
const NEW_PASSWORD: &str = "a new and rather long passphrase";

struct Mailbox {
    smtp: SmtpServer,
    mailer: Mailer,
}

async fn app_with_mail() -> (TestApp, Mailbox) {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(url);
        c.public_url = Some("https://webapp.example".into());
    })
    .await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    (app, Mailbox { smtp, mailer })
}

impl Mailbox {
    /// Sends what is queued and answers the mails that arrived with it.
    async fn deliver(&self, app: &TestApp) -> Vec<Received> {
        let before = self.smtp.received().len();
        // An hour ahead: mails queued by a test's moved clock are due too.
        let sent = deliver_due(&app.state, &self.mailer, unix_now() + 3600).await.unwrap();
        let mut all = self.smtp.wait_for(before + sent, Duration::from_secs(10)).await;
        all.split_off(before)
    }

    /// The token of the link in the one mail with `subject` among those sent now.
    async fn token(&self, app: &TestApp, subject: &str) -> (String, Received) {
        let delivered = self.deliver(app).await;
        let all: Vec<(String, String)> =
            delivered.iter().map(|m| (m.message_id.clone(), m.subject.clone())).collect();
        let mut mails: Vec<Received> = delivered.into_iter().filter(|m| m.subject == subject).collect();
        assert_eq!(mails.len(), 1, "{subject} among {all:?}");
        let mail = mails.remove(0);
        (link_token(&mail.text), mail)
    }
}

fn link_token(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

const CONFIRM_SUBJECT: &str = "Confirm your email address for WebApp";
const RESET_SUBJECT: &str = "Reset the password of your WebApp account";

async fn confirm(app: &TestApp, mailbox: &Mailbox) {
    let (token, _) = mailbox.token(app, CONFIRM_SUBJECT).await;
    let reply = app.call("email/confirm", &[("token", &token)], None).await;
    reply.expect_status(StatusCode::OK);
}

async fn viewer(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.call("session", &[], Some(cookie)).await.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_mails_a_confirmation_link_that_works_once_and_is_never_stored_in_clear() {
    let (app, mailbox) = app_with_mail().await;
    let cookie = app.sign_up(EMAIL).await;
    assert_eq!(viewer(&app, &cookie).await["email_confirmed"], false);
    // Queued, not yet sent: the database holds neither the token nor the mail in clear.
    let queued = app.database_contents().await;
    let (token, mail) = mailbox.token(&app, CONFIRM_SUBJECT).await;
    assert!(!common::contains(&queued, token.as_bytes()), "the token is in the database");
    assert!(!common::contains(&queued, b"Confirm that this is your address"), "the mail is in clear");
    assert_eq!(mail.to, EMAIL);
    assert!(
        mail.text.contains(&format!("https://webapp.example/confirm-email?token={token}")),
        "{}",
        mail.text
    );
    assert!(mail.html.contains(&format!("https://webapp.example/confirm-email?token={token}")));
    assert!(mail.text.contains("24 hours"));

    let confirmed = app.call("email/confirm", &[("token", &token)], None).await;
    confirmed.expect_status(StatusCode::OK);
    assert_eq!(confirmed.json(), EMAIL);
    assert_eq!(viewer(&app, &cookie).await["email_confirmed"], true);
    let again = app.call("email/confirm", &[("token", &token)], None).await;
    again.expect_status(StatusCode::GONE);
    assert_eq!(again.json()["error"], "link_invalid");
    let events = app.call("security/events", &[], Some(&cookie)).await.json();
    assert_eq!(events[0]["kind"], "email_confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_link_expires_after_a_day_and_a_new_one_is_sent_at_most_once_a_minute() {
    let (app, mailbox) = app_with_mail().await;
    let cookie = app.sign_up(EMAIL).await;
    let (token, _) = mailbox.token(&app, CONFIRM_SUBJECT).await;
    let a_day_later = Caller::at(unix_now() + email_links::CONFIRM_LINK_SECS);
    assert_eq!(
        address::confirm(&app.state, &token, &a_day_later).await,
        Err(app::error::AppError::LinkInvalid)
    );
    let too_soon = app.call("email/confirmation/resend", &[], Some(&cookie)).await;
    too_soon.expect_status(StatusCode::TOO_MANY_REQUESTS);
    // A minute on, a new link; the old one still works until either is used.
    let session = app.session_of(&cookie).await;
    let later = Caller::at(unix_now() + address::RESEND_AFTER_SECS);
    address::resend_confirmation(&app.state, &session, &later).await.unwrap();
    let (fresh, _) = mailbox.token(&app, CONFIRM_SUBJECT).await;
    assert_ne!(fresh, token);
    app.call("email/confirm", &[("token", &fresh)], None).await.expect_status(StatusCode::OK);
    app.call("email/confirm", &[("token", &token)], None).await.expect_status(StatusCode::GONE);
    let done = app.call("email/confirmation/resend", &[], Some(&cookie)).await;
    done.expect_status(StatusCode::CONFLICT);
    assert_eq!(done.json()["error"], "email_already_confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_2fa_on_a_reset_link_alone_changes_nothing_and_with_a_code_it_works_once() {
    let (app, mailbox) = app_with_mail().await;
    // (A second factor needs a confirmed address: enroll confirms it.)
    let enrolled = app.enroll(EMAIL).await;
    let asked = app.call("password/forgot", &[("email", EMAIL)], None).await;
    asked.expect_status(StatusCode::OK);
    let (token, mail) = mailbox.token(&app, RESET_SUBJECT).await;
    assert!(mail.text.contains("https://webapp.example/reset-password?token="));
    assert!(mail.text.contains("30 minutes"));

    let check = app.call("password/reset/check", &[("token", &token)], None).await.json();
    assert_eq!(check, serde_json::json!({"email": EMAIL, "two_factor": true}));
    let form = |code: Option<&str>| {
        let mut form = vec![("token", token.clone()), ("password", NEW_PASSWORD.to_owned())];
        form.extend(code.map(|c| ("code", c.to_owned())));
        form
    };
    let call = |form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("password/reset", &form, None).await
        }
    };
    let no_code = call(form(None)).await;
    no_code.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(no_code.json()["error"], "code_missing");
    let wrong = call(form(Some(&wrong_code(&enrolled.key, unix_now())))).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    // Nothing changed: the old password still logs in, the session still works.
    let still = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    still.expect_status(StatusCode::OK);
    assert_eq!(viewer(&app, &enrolled.cookie).await["level"], "fully_authenticated");

    let done = call(form(Some(&app_code(&enrolled.key, unix_now())))).await;
    done.expect_status(StatusCode::OK);
    assert_eq!(viewer(&app, &enrolled.cookie).await, serde_json::Value::Null, "every session ended");
    let old = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    old.expect_status(StatusCode::UNAUTHORIZED);
    let new = app.call("login", &[("email", EMAIL), ("password", NEW_PASSWORD)], None).await;
    new.expect_status(StatusCode::OK);
    assert_eq!(new.json()["level"], "password_verified", "2FA stays on");
    let twice = call(form(Some(&enrolled.backup_codes[0]))).await;
    twice.expect_status(StatusCode::GONE);

    let mails = mailbox.deliver(&app).await;
    let reset_mail = mails.iter().find(|m| m.subject == "The password of your WebApp account was reset");
    assert!(reset_mail.is_some(), "the reset is mailed");
    assert!(!mails.iter().any(|m| m.raw.contains(NEW_PASSWORD)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// An unconfirmed account's address gets the link too (issue 24, finding 6: using it proves the
/// address and takes it back from whoever signed up with it); an address without an account
/// gets nothing.
async fn asking_for_a_reset_answers_alike_for_every_address_and_mails_only_accounts() {
    let (app, mailbox) = app_with_mail().await;
    app.sign_up(EMAIL).await;
    for email in ["nobody@example.com", EMAIL] {
        let reply = app.call("password/forgot", &[("email", email)], None).await;
        assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "null"), "{email}");
    }
    let mails = mailbox.deliver(&app).await;
    assert_eq!(mails.len(), 2, "the confirmation mail and the reset link, both to the account");
    assert!(
        mails.iter().all(|m| m.to.contains(EMAIL)),
        "{:?}",
        mails.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    assert!(mails.iter().any(|m| m.subject == CONFIRM_SUBJECT));
    assert!(mails.iter().any(|m| m.subject == RESET_SUBJECT));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_links_are_limited_per_address_whether_or_not_it_has_an_account() {
    let (app, mailbox) = app_with_mail().await;
    app.sign_up(EMAIL).await;
    confirm(&app, &mailbox).await;
    for email in [EMAIL, "nobody@example.com"] {
        for _ in 0..3 {
            app.call("password/forgot", &[("email", email)], None).await.expect_status(StatusCode::OK);
        }
        let fourth = app.call("password/forgot", &[("email", email)], None).await;
        fourth.expect_status_for(StatusCode::TOO_MANY_REQUESTS, email);
    }
    let resets = mailbox.deliver(&app).await.into_iter().filter(|m| m.subject == RESET_SUBJECT).count();
    assert_eq!(resets, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_link_expires_after_half_an_hour() {
    let (app, mailbox) = app_with_mail().await;
    app.sign_up(EMAIL).await;
    confirm(&app, &mailbox).await;
    app.call("password/forgot", &[("email", EMAIL)], None).await;
    let (token, _) = mailbox.token(&app, RESET_SUBJECT).await;
    let later = Caller::at(unix_now() + email_links::RESET_LINK_SECS);
    let expired = password_reset::reset(&app.state, &token, NEW_PASSWORD, None, &later).await;
    assert_eq!(expired, Err(app::error::AppError::LinkInvalid));
    // Without 2FA, the link and a good new password are enough.
    let weak = app.call("password/reset", &[("token", &token), ("password", "password1234")], None).await;
    weak.expect_status_for(StatusCode::BAD_REQUEST, "the password rules hold");
    let done = app.call("password/reset", &[("token", &token), ("password", NEW_PASSWORD)], None).await;
    done.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmation_mails_asked_for_again_are_limited_per_account() {
    let (app, mailbox) = app_with_mail().await;
    let cookie = app.sign_up(EMAIL).await;
    let session = app.session_of(&cookie).await;
    // A minute apart each time, as the resend allows: a few, then the doubling delays, and at
    // most ten a day whatever the spacing.
    let mut refused = None;
    for i in 1..=30 {
        let later = Caller::at(unix_now() + i * address::RESEND_AFTER_SECS);
        if let Err(e) = address::resend_confirmation(&app.state, &session, &later).await {
            refused = Some((i, e));
            break;
        }
    }
    let (at, error) = refused.expect("the resends are limited");
    assert!((4..=11).contains(&at), "refused at the {at}th resend");
    assert!(matches!(error, app::error::AppError::TooManyAttempts { .. }), "{error:?}");
    let sent = mailbox.deliver(&app).await.iter().filter(|m| m.subject == CONFIRM_SUBJECT).count();
    assert_eq!(sent as i64, at, "the sign-up's and each resend that went through");
}
