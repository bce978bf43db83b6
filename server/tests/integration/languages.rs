//! English and Dutch: an API error's `message` is in the request's language while its machine
//! code stays the same; an account's mails are in the language it signed up in, then in the one
//! last chosen in the language menu; the backup-code file is in the language of the download;
//! dates and times are in the person's language and time zone.

use http::header::{ACCEPT_LANGUAGE, COOKIE};
use http::{HeaderValue, StatusCode};

use crate::common;
use app::backend::unix_now;
use common::smtp::Received;
use common::{app_code, server_fn_request, Reply, TestApp, PASSWORD};
use server::mail::{deliver_due, Mailer};

const DUTCH: &str = "nl-NL,nl;q=0.9,en;q=0.5";

/// Calls a server function with an `Accept-Language` header (when given) and a cookie.
async fn call_in(
    app: &TestApp,
    accept_language: Option<&str>,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Reply {
    let mut request = server_fn_request(endpoint, form, cookie);
    if let Some(language) = accept_language {
        request.headers_mut().insert(ACCEPT_LANGUAGE, HeaderValue::from_str(language).unwrap());
    }
    Reply::read(app.send(request).await).await
}

async fn sign_up_in(app: &TestApp, accept_language: Option<&str>, email: &str) -> String {
    let reply =
        call_in(app, accept_language, "signup", &[("email", email), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
    reply.session_cookie().expect("sign-up sets a session cookie")
}

/// Sends what is queued (to the outbox folder: no mail server) and answers the mails to `to`.
async fn mails_to(app: &TestApp, mailer: &Mailer, to: &str) -> Vec<Received> {
    deliver_due(&app.state, mailer, unix_now() + 3600).await.unwrap();
    let Ok(files) = std::fs::read_dir(&app.config.outbox_dir) else { return Vec::new() };
    let mut mails: Vec<Received> = files
        .map(|entry| common::smtp::parse(&std::fs::read(entry.unwrap().path()).unwrap()))
        .filter(|mail| mail.to == to)
        .collect();
    mails.sort_by(|a, b| a.subject.cmp(&b.subject));
    mails
}

/// Turns 2FA on for the account of `cookie`, with requests that name no language; answers the
/// setup's key.
async fn turn_on_two_factor(app: &TestApp, cookie: &str) -> String {
    app.confirm_address(cookie).await;
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(cookie)).await;
    setup.expect_status(StatusCode::OK);
    let key = setup.json()["key"].as_str().unwrap().replace(' ', "");
    let code = app_code(&key, unix_now() - 30);
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_says_its_message_in_the_language_asked_for_with_the_same_code() {
    let app = TestApp::new().await;
    let form = [("email", "not-an-address"), ("password", PASSWORD)];
    let english = call_in(&app, None, "signup", &form, None).await;
    let dutch = call_in(&app, Some(DUTCH), "signup", &form, None).await;
    english.expect_status(StatusCode::BAD_REQUEST);
    dutch.expect_status(StatusCode::BAD_REQUEST);
    let (english, dutch) = (english.json(), dutch.json());
    assert_eq!(english["error"], "invalid_email");
    assert_eq!(dutch["error"], english["error"], "the machine code does not change with the language");
    assert_eq!(english["message"], "Enter a valid email address, like name@example.com.");
    assert_eq!(dutch["message"], "Voer een geldig e-mailadres in, zoals naam@example.com.");

    // With fields: the same numbers, in the other language's words.
    let form = [("email", "ann@example.com"), ("password", "short")];
    let english = call_in(&app, Some("en-GB"), "signup", &form, None).await.json();
    let dutch = call_in(&app, Some(DUTCH), "signup", &form, None).await.json();
    assert_eq!(english["error"], "password_too_short");
    assert_eq!(dutch["error"], "password_too_short");
    assert_eq!(dutch["min"], english["min"]);
    let min = english["min"].as_u64().unwrap();
    assert_eq!(english["message"], format!("Use a password of at least {min} characters."));
    assert_eq!(dutch["message"], format!("Gebruik een wachtwoord van minstens {min} tekens."));

    // The language chosen in the menu (its cookie) comes before the browser's.
    let mut request = server_fn_request("signup", &[("email", "x"), ("password", PASSWORD)], None);
    request.headers_mut().insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
    request.headers_mut().insert(COOKIE, HeaderValue::from_static("lang=nl"));
    let chosen = Reply::read(app.send(request).await).await.json();
    assert_eq!(chosen["error"], "invalid_email");
    assert_eq!(chosen["message"], "Voer een geldig e-mailadres in, zoals naam@example.com.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_gets_its_mails_in_the_language_it_signed_up_in() {
    let app = TestApp::new().await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    let dutch_cookie = sign_up_in(&app, Some(DUTCH), "anna@example.com").await;
    sign_up_in(&app, None, "ann@example.com").await;

    let dutch = mails_to(&app, &mailer, "anna@example.com").await;
    assert_eq!(dutch.len(), 1);
    assert_eq!(dutch[0].subject, "Bevestig je e-mailadres voor WebApp");
    for body in [&dutch[0].text, &dutch[0].html] {
        assert!(body.contains("Bevestig dat dit jouw adres is"), "{body}");
        assert!(body.contains("De link werkt één keer, 24 uur lang."), "{body}");
        assert!(body.contains("Mijn adres bevestigen"), "{body}");
        assert!(body.contains("Wanneer"), "{body}");
        assert!(!body.contains("Confirm"), "{body}");
    }
    let english = mails_to(&app, &mailer, "ann@example.com").await;
    assert_eq!(english.len(), 1);
    assert_eq!(english[0].subject, "Confirm your email address for WebApp");
    assert!(english[0].text.contains("It works once, for 24 hours."), "{}", english[0].text);
    assert!(english[0].text.contains("Confirm my address"), "{}", english[0].text);

    // Security mails too, whatever language the request that caused them asks for.
    turn_on_two_factor(&app, &dutch_cookie).await;
    let dutch = mails_to(&app, &mailer, "anna@example.com").await;
    let subjects: Vec<&str> = dutch.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["Bevestig je e-mailadres voor WebApp", "Tweestapsverificatie is aangezet voor je WebApp-account"]
    );
    assert!(dutch[1].text.contains("Was jij dit, dan hoef je verder niets te doen."), "{}", dutch[1].text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_language_while_logged_in_changes_the_language_of_later_mails() {
    let app = TestApp::new().await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    let cookie = sign_up_in(&app, None, "ann@example.com").await;
    let switched = call_in(&app, None, "language", &[("lang", "nl")], Some(&cookie)).await;
    switched.expect_status(StatusCode::OK);

    // The requests name no language (the menu's cookie is not sent): the account's counts.
    turn_on_two_factor(&app, &cookie).await;
    let mails = mails_to(&app, &mailer, "ann@example.com").await;
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["Confirm your email address for WebApp", "Tweestapsverificatie is aangezet voor je WebApp-account"],
        "the confirmation was queued in English at sign-up; the later mail is Dutch"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_code_file_is_in_the_language_of_the_download() {
    let app = TestApp::new().await;
    let cookie = sign_up_in(&app, None, "ann@example.com").await;
    turn_on_two_factor(&app, &cookie).await;
    let today = app::dates::format_date(unix_now());

    let dutch = call_in(&app, Some(DUTCH), "two-factor/backup-codes", &[], Some(&cookie)).await;
    dutch.expect_status(StatusCode::OK);
    assert!(
        dutch.body.starts_with(&format!(
            "Back-upcodes voor WebApp\n\nAccount: ann@example.com\nGemaakt: {today}\n\nElke code werkt één keer."
        )),
        "{}",
        dutch.body
    );
    let english = call_in(&app, None, "two-factor/backup-codes", &[], Some(&cookie)).await;
    english.expect_status(StatusCode::OK);
    assert!(
        english.body.starts_with(&format!(
            "WebApp backup codes\n\nAccount: ann@example.com\nCreated: {today}\n\nEach code works once."
        )),
        "{}",
        english.body
    );
    // The same codes, on the same lines.
    let codes = |body: &str| body.lines().skip(8).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(codes(&dutch.body), codes(&english.body));
    assert_eq!(codes(&english.body).len(), 10);
    assert_eq!(dutch.body.lines().count(), english.body.lines().count());
}

/// The account's mail zone, read from its row.
async fn stored_time_zone(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT time_zone FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_in_the_time_zone_the_browser_told_in_pages_and_mails() {
    use app::dates::date_in;
    use app::i18n::Locale;
    let app = TestApp::new().await;
    let mailer = Mailer::from_config(&app.config).unwrap();
    // A browser in Tokyo (no summer time, so "JST" all year), in Dutch.
    let signed_up = call_in(
        &app,
        None,
        "signup",
        &[("email", "anna@example.com"), ("password", PASSWORD)],
        Some("lang=nl; tz=Asia/Tokyo"),
    )
    .await;
    signed_up.expect_status(StatusCode::OK);
    let session = signed_up.session_cookie().unwrap();
    assert_eq!(stored_time_zone(&app, "anna@example.com").await.as_deref(), Some("Asia/Tokyo"));

    let page = app.get_page("/settings/security", Some(&format!("{session}; lang=nl; tz=Asia/Tokyo"))).await;
    page.expect_status(StatusCode::OK);
    let today = date_in(unix_now(), Locale::nl, Some("Asia/Tokyo"));
    assert!(page.body.contains(&today) && page.body.contains(" JST</span>"), "{today}: {}", page.body);
    assert!(!page.body.contains(" UTC<"), "{}", page.body);
    // Without the cookie (no JavaScript) or with a name no zone has: UTC, said so.
    for cookie in [format!("{session}; lang=nl"), format!("{session}; lang=nl; tz=..%2F..%2Fetc%2Fpasswd")] {
        let page = app.get_page("/settings/security", Some(&cookie)).await;
        page.expect_status(StatusCode::OK);
        assert!(page.body.contains(" UTC</span>"), "{cookie}: {}", page.body);
    }

    // Mails use the account's zone, whichever browser caused them.
    let key = turn_on_two_factor(&app, &session).await;
    let mails = mails_to(&app, &mailer, "anna@example.com").await;
    assert_eq!(mails.len(), 2);
    for mail in &mails {
        assert!(mail.text.contains(&format!("{today} ")) && mail.text.contains(" JST"), "{}", mail.text);
    }

    // A password alone does not change it; a login with every factor does.
    let half = call_in(
        &app,
        None,
        "login",
        &[("email", "anna@example.com"), ("password", PASSWORD)],
        Some("tz=America/New_York"),
    )
    .await;
    half.expect_status(StatusCode::OK);
    let half = half.session_cookie().unwrap();
    assert_eq!(stored_time_zone(&app, "anna@example.com").await.as_deref(), Some("Asia/Tokyo"));
    let code = app_code(&key, unix_now());
    let done =
        call_in(&app, None, "login/code", &[("code", &code)], Some(&format!("{half}; tz=Europe/Amsterdam")))
            .await;
    done.expect_status(StatusCode::OK);
    assert_eq!(stored_time_zone(&app, "anna@example.com").await.as_deref(), Some("Europe/Amsterdam"));
}
