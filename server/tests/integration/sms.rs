//! SMS as the second method: setup and login by a texted code, through the API, with the texts
//! read from the SMS outbox folder as a phone would receive them; every rule of a code and every
//! limit against SMS pumping. On SQLite and, with TEST_POSTGRES_URL, on PostgreSQL.

use http::StatusCode;

use crate::common::{server_fn_request, Reply, TestApp, PASSWORD};
use app::backend::caller::Caller;
use app::backend::second_factor::{self, sms, Entered};
use app::backend::unix_now;
use app::error::AppError;

const EMAIL: &str = "texted@example.org";
const NUMBER: &str = "06 12345678";

/// The texts the server wrote for `e164`, oldest first: (body, code).
fn texts_to(app: &TestApp, e164: &str) -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir(&app.config.sms_outbox_dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = dir.map(|f| f.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .map(|path| serde_json::from_slice::<serde_json::Value>(&std::fs::read(path).unwrap()).unwrap())
        .filter(|text| text["to"] == e164)
        .map(|text| {
            let body = text["body"].as_str().unwrap().to_owned();
            let code = body.rsplit('#').next().unwrap().to_owned();
            (body, code)
        })
        .collect()
}

fn last_code(app: &TestApp) -> String {
    texts_to(app, "+31612345678").pop().expect("a text was sent").1
}

/// Signs up, confirms the address and turns SMS on; answers the session cookie and the backup
/// codes.
async fn enroll_by_sms(app: &TestApp, email: &str) -> (String, Vec<String>) {
    let cookie = app.sign_up_confirmed(email).await;
    let begun =
        app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&cookie)).await;
    begun.expect_status(StatusCode::OK);
    let confirmed = app.call("two-factor/sms/confirm", &[("code", &last_code(app))], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    (cookie, serde_json::from_value(confirmed.json()["codes"].clone()).unwrap())
}

/// Logs in with the password: the half-logged-in session's cookie.
async fn password_step(app: &TestApp, email: &str) -> String {
    let login = app.call("login", &[("email", email), ("password", PASSWORD)], None).await;
    login.expect_status(StatusCode::OK);
    assert_eq!(login.json()["level"], "password_verified");
    login.session_cookie().unwrap()
}

/// A half-logged-in session of `email`'s account made directly, without the text a login sends by
/// itself: for counting texts one by one.
async fn quiet_half_session(app: &TestApp, email: &str) -> app::backend::sessions::Session {
    use app::account::AuthLevel;
    use app::backend::{sessions, store};
    let account = store::users::find_by_email(&app.state.db, email).await.unwrap().unwrap();
    let token = sessions::start(
        &app.state.db,
        account.id,
        AuthLevel::PasswordVerified,
        account.auth_epoch,
        &Caller::at(unix_now()),
    )
    .await
    .unwrap();
    app.session_of(&format!("session={}", token.as_str())).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_article_with_sms_chosen_then_a_login_by_texted_code() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    let begun =
        app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&cookie)).await;
    begun.expect_status(StatusCode::OK);
    assert_eq!(
        begun.json(),
        serde_json::json!({"to": "•••• ••• 678", "resend_after_secs": 30, "expires_in_secs": 300})
    );
    let (body, code) = texts_to(&app, "+31612345678").pop().unwrap();
    let host =
        app.state.settings.public_url.split("://").nth(1).unwrap().split(':').next().unwrap().to_owned();
    assert_eq!(body, format!("{code} is your WebApp code. It expires in 5 minutes.\n\n@{host} #{code}"));
    let confirmed = app.call("two-factor/sms/confirm", &[("code", &code)], Some(&cookie)).await;
    confirmed.expect_status(StatusCode::OK);
    assert_eq!(confirmed.json()["codes"].as_array().unwrap().len(), 10);
    let status = app.call("two-factor/status", &[], Some(&cookie)).await;
    assert_eq!(status.json()["enabled"], true, "{}", status.body);

    app.call("logout", &[], Some(&cookie)).await;
    // The correct password texts a code by itself; the prompt says where it went.
    let texts_before = texts_to(&app, "+31612345678").len();
    let half = password_step(&app, EMAIL).await;
    assert_eq!(texts_to(&app, "+31612345678").len(), texts_before + 1, "a text after the password");
    app.call("account", &[], Some(&half)).await.expect_status(StatusCode::FORBIDDEN);
    let choice = app.call("login/methods", &[], Some(&half)).await;
    assert_eq!(
        choice.json(),
        serde_json::json!({"app": false, "sms_to": "•••• ••• 678", "sms_code_sent": true, "passkey": false})
    );
    let too_soon = app.call("login/sms/send", &[], Some(&half)).await;
    too_soon.expect_status_for(StatusCode::TOO_MANY_REQUESTS, "send again at once");
    let code = last_code(&app);
    let done = app.call("login/sms", &[("code", &code)], Some(&half)).await;
    done.expect_status(StatusCode::OK);
    assert_eq!(done.json()["level"], "fully_authenticated");

    // Accepted once: the same code, on a new login, is wrong.
    let again = password_step(&app, EMAIL).await;
    app.call("login/sms", &[("code", &code)], Some(&again))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "a used code");
    // The plain code prompt takes the texted code too (the account has no app).
    app.call("login/code", &[("code", &last_code(&app))], Some(&again))
        .await
        .expect_status_for(StatusCode::OK, "the texted code at the plain prompt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dutch_account_gets_its_text_in_dutch() {
    let app = TestApp::new().await;
    let mut signup = server_fn_request("signup", &[("email", EMAIL), ("password", PASSWORD)], None);
    signup.headers_mut().insert(http::header::ACCEPT_LANGUAGE, "nl-NL,nl;q=0.9".parse().unwrap());
    let signup = Reply::read(app.send(signup).await).await;
    signup.expect_status(StatusCode::OK);
    let cookie = signup.session_cookie().unwrap();
    app.confirm_address(&cookie).await;
    // The request names no language: the text is in the account's.
    app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&cookie))
        .await
        .expect_status(StatusCode::OK);
    let (body, code) = texts_to(&app, "+31612345678").pop().unwrap();
    assert!(body.starts_with(&format!("{code} is je WebApp-code. Hij verloopt over 5 minuten.")), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_mobile_number_is_taken_and_nothing_is_sent_to_another() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    for (typed, error) in [
        ("", "phone_number_missing"),
        ("12", "phone_number_invalid"),
        ("0900 1234567", "phone_number_not_mobile"),
        ("0800 1234", "phone_number_not_mobile"),
        ("085 123 4567", "phone_number_not_mobile"),
    ] {
        let refused = app
            .call("two-factor/sms/begin", &[("password", PASSWORD), ("number", typed)], Some(&cookie))
            .await;
        refused.expect_status_for(StatusCode::BAD_REQUEST, typed);
        assert_eq!(refused.json()["error"], error, "{typed}: {}", refused.body);
    }
    assert!(std::fs::read_dir(&app.config.sms_outbox_dir).unwrap().next().is_none(), "no text went out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_countries_served_get_texts() {
    let app = TestApp::with_config(|c| c.sms_countries = vec![32, 49]).await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    let refused =
        app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&cookie)).await;
    refused.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "phone_country_not_served");
    assert_eq!(refused.json()["calling_code"], 31);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_anonymous_or_half_set_up_request_sends_a_text() {
    let app = TestApp::new().await;
    app.call("login/sms/send", &[], None).await.expect_status(StatusCode::UNAUTHORIZED);
    // An account without SMS, past its password: nothing to send to.
    app.enroll("app-only@example.org").await;
    let half = password_step(&app, "app-only@example.org").await;
    app.call("login/sms/send", &[], Some(&half)).await.expect_status(StatusCode::CONFLICT);
    let choice = app.call("login/methods", &[], Some(&half)).await;
    assert_eq!(
        choice.json(),
        serde_json::json!({"app": true, "sms_to": null, "sms_code_sent": false, "passkey": false})
    );
    // Setup re-checks the password before any text.
    let cookie = app.sign_up_confirmed(EMAIL).await;
    app.call("two-factor/sms/begin", &[("password", "not the password"), ("number", NUMBER)], Some(&cookie))
        .await
        .expect_status(StatusCode::UNAUTHORIZED);
    // An unconfirmed address sets nothing up.
    let unconfirmed = app.sign_up("unconfirmed@example.org").await;
    app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&unconfirmed))
        .await
        .expect_status(StatusCode::FORBIDDEN);
    assert!(texts_to(&app, "+31612345678").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_belongs_to_the_session_it_was_sent_to_and_lives_five_minutes() {
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    let first = password_step(&app, EMAIL).await;
    let code = last_code(&app);
    let second = password_step(&app, EMAIL).await;
    assert_ne!(last_code(&app), "", "the second login got a text of its own");
    app.call("login/sms", &[("code", &code)], Some(&second))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "another session's code");

    let session = app.session_of(&first).await;
    let expired = Caller::at(unix_now() + 301);
    let late = second_factor::consume(&app.state, &session, Entered::SmsCode(&code), &expired).await;
    assert_eq!(late, Err(AppError::WrongCode), "a code past its 5 minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_dies_at_its_fifth_wrong_try() {
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    let half = password_step(&app, EMAIL).await;
    let code = last_code(&app);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let session = app.session_of(&half).await;
    let now = unix_now();
    for i in 0..5 {
        // Past each guessing delay, within the code's life.
        let at = Caller::at(now + i * 60);
        let guess = second_factor::consume(&app.state, &session, Entered::SmsCode(wrong), &at).await;
        assert_eq!(guess, Err(AppError::WrongCode), "guess {i}");
    }
    let right =
        second_factor::consume(&app.state, &session, Entered::SmsCode(&code), &Caller::at(now + 299)).await;
    assert_eq!(right, Err(AppError::WrongCode), "the right code after five wrong tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_again_waits_longer_each_time_and_a_new_code_replaces_the_old() {
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    let session = quiet_half_session(&app, EMAIL).await;
    let now = unix_now();
    let first = sms::send_login_code(&app.state, &session, &Caller::at(now)).await.unwrap();
    assert_eq!(first.resend_after_secs, 30);
    let old_code = last_code(&app);
    let too_soon = sms::send_login_code(&app.state, &session, &Caller::at(now + 29)).await;
    assert_eq!(too_soon, Err(AppError::TooManyAttempts { retry_after_secs: 1 }));
    let second = sms::send_login_code(&app.state, &session, &Caller::at(now + 30)).await.unwrap();
    assert_eq!(second.resend_after_secs, 60, "the wait doubles");
    let new_code = last_code(&app);
    if new_code != old_code {
        let old =
            second_factor::consume(&app.state, &session, Entered::SmsCode(&old_code), &Caller::at(now + 31))
                .await;
        assert_eq!(old, Err(AppError::WrongCode), "the code before the new one");
    }
    let new =
        second_factor::consume(&app.state, &session, Entered::SmsCode(&new_code), &Caller::at(now + 92))
            .await;
    assert_eq!(new, Ok(None));
}

/// Sends login texts from new sessions, each past the wait, until one is refused; answers how
/// many went and the refusal.
async fn send_until_refused(app: &TestApp, email: &str, ip: &str, start: i64) -> (usize, AppError) {
    for sent in 0..200 {
        let session = quiet_half_session(app, email).await;
        let caller = Caller { ip: Some(ip.to_owned()), ..Caller::at(start + sent as i64) };
        if let Err(refusal) = sms::send_login_code(&app.state, &session, &caller).await {
            return (sent, refusal);
        }
    }
    panic!("no limit was reached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_are_limited_per_session_account_number_client_and_server() {
    // Per session: five texts at most.
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    let session = quiet_half_session(&app, EMAIL).await;
    let mut at = unix_now();
    for i in 0..5 {
        sms::send_login_code(&app.state, &session, &Caller::at(at))
            .await
            .unwrap_or_else(|e| panic!("text {i}: {e}"));
        at += sms::wait_after(i + 1);
    }
    let sixth = sms::send_login_code(&app.state, &session, &Caller::at(at)).await;
    assert!(matches!(sixth, Err(AppError::TooManyAttempts { .. })), "{sixth:?}");

    // Per account a day (the setup's text and the five above count).
    let (sent, refusal) = send_until_refused(&app, EMAIL, "198.51.100.1", at).await;
    assert_eq!(sent as i64 + 6, sms::SENDS_PER_ACCOUNT_A_DAY);
    assert!(matches!(refusal, AppError::TooManyAttempts { .. }), "{refusal:?}");

    // Per number on file a day, whatever the account: three accounts share one number, each
    // far from its own limit.
    let app = TestApp::new().await;
    let mut sessions = Vec::new();
    for i in 0..3 {
        let email = format!("holder{i}@example.org");
        enroll_by_sms(&app, &email).await;
        sessions.push(email);
    }
    let mut sent = 0;
    let refusal = 'sending: loop {
        for (i, email) in sessions.iter().enumerate() {
            let session = quiet_half_session(&app, email).await;
            let caller = Caller { ip: Some(format!("198.51.100.{i}")), ..Caller::at(unix_now()) };
            match sms::send_login_code(&app.state, &session, &caller).await {
                Ok(_) => sent += 1,
                Err(refusal) => break 'sending refusal,
            }
        }
    };
    assert!(matches!(refusal, AppError::TooManyAttempts { .. }), "{refusal:?}");
    assert_eq!(sent, sms::SENDS_PER_NUMBER_A_DAY, "texts to one number on file over all accounts");
}

/// From a review: the texts a number may get a day were counted as one, whoever typed it, so a
/// stranger typing someone's number in a setup flooded it and used up the texts its owner logs
/// in with. Now a number typed and not proven has a small limit of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_someone_elses_number_neither_floods_it_nor_blocks_its_owners_logins() {
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    for i in 0..sms::SENDS_TO_A_NEW_NUMBER_A_DAY + 4 {
        let cookie = app.sign_up_confirmed(&format!("stranger{i}@example.org")).await;
        let form = [("password", PASSWORD), ("number", NUMBER)];
        let reply = app.call("two-factor/sms/begin", &form, Some(&cookie)).await;
        // The owner's own setup was the first text to the new number.
        let expected = if i + 1 < sms::SENDS_TO_A_NEW_NUMBER_A_DAY {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        reply.expect_status_for(expected, format!("stranger {i}"));
    }
    for _ in 0..3 {
        let before = texts_to(&app, "+31612345678").len();
        password_step(&app, EMAIL).await;
        assert_eq!(texts_to(&app, "+31612345678").len(), before + 1, "the owner's login gets its text");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_are_limited_per_client_address() {
    let app = TestApp::new().await;
    let mut sent = 0;
    for i in 0..4 {
        let email = format!("client{i}@example.org");
        let cookie = app.sign_up_confirmed(&email).await;
        // A number of its own per account: only the client address is shared.
        let number = format!("06 1234567{i}");
        let e164 = format!("+3161234567{i}");
        let begun = app
            .call("two-factor/sms/begin", &[("password", PASSWORD), ("number", &number)], Some(&cookie))
            .await;
        begun.expect_status(StatusCode::OK);
        let code = texts_to(&app, &e164).pop().unwrap().1;
        app.call("two-factor/sms/confirm", &[("code", &code)], Some(&cookie))
            .await
            .expect_status(StatusCode::OK);
        let (more, refusal) = send_until_refused(&app, &email, "203.0.113.9", unix_now()).await;
        sent += more;
        if !matches!(refusal, AppError::TooManyAttempts { .. }) || sent as i64 >= sms::SENDS_PER_CLIENT_A_DAY
        {
            break;
        }
    }
    assert_eq!(sent as i64, sms::SENDS_PER_CLIENT_A_DAY, "texts asked for from one client address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_daily_budget_stops_all_texts() {
    let app = TestApp::with_config(|c| c.sms_daily_limit = 3).await;
    enroll_by_sms(&app, EMAIL).await;
    let (sent, refusal) = send_until_refused(&app, EMAIL, "198.51.100.1", unix_now()).await;
    assert_eq!(sent + 1, 3, "the setup's text and two more");
    assert_eq!(refusal, AppError::SmsNotSent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_fails_gives_a_clear_503_and_leaves_no_code() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = TestApp::with_config(|c| {
        c.sms_url = Some(format!("twilio+http://AC1:token@{closed}?from=%2B3197010000000"))
    })
    .await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    let failed =
        app.call("two-factor/sms/begin", &[("password", PASSWORD), ("number", NUMBER)], Some(&cookie)).await;
    failed.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(failed.json()["error"], "sms_not_sent");
    assert!(failed.json()["message"].as_str().unwrap().contains("backup code"), "{}", failed.body);
    let session = app.session_of(&cookie).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_codes WHERE session_id = $1")
        .bind(session.id.as_str())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "no code that was never sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_texted_codes_count_in_the_accounts_guessing_limit() {
    let app = TestApp::new().await;
    enroll_by_sms(&app, EMAIL).await;
    let half = password_step(&app, EMAIL).await;
    let code = last_code(&app);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.call("login/sms", &[("code", wrong)], Some(&half)).await.status);
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Another session of the account meets the same limit.
    let other = password_step(&app, EMAIL).await;
    app.call("login/sms", &[("code", &code)], Some(&other))
        .await
        .expect_status_for(StatusCode::TOO_MANY_REQUESTS, "another session");
}

async fn mails_queued_to(app: &TestApp, recipient: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1")
        .bind(recipient)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_beside_the_app_is_added_and_removed_only_with_a_current_second_factor() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let cookie = enrolled.cookie.clone();
    let now = unix_now();

    // The attack: a hijacked session with the password, but no second factor, sets its own number.
    let no_factor = [("password", PASSWORD), ("code", ""), ("number", NUMBER)];
    let refused = app.call("two-factor/sms/change", &no_factor, Some(&cookie)).await;
    refused.expect_status_for(StatusCode::BAD_REQUEST, "no second factor");
    let wrong = common_wrong_code(&enrolled.key, now);
    let guessed = [("password", PASSWORD), ("code", wrong.as_str()), ("number", NUMBER)];
    let refused = app.call("two-factor/sms/change", &guessed, Some(&cookie)).await;
    refused.expect_status_for(StatusCode::UNAUTHORIZED, "a wrong code");
    assert!(texts_to(&app, "+31612345678").is_empty(), "no text to the thief's number");

    // The owner, with a current code: a text to the new number, whose code makes the change.
    let other = password_step(&app, EMAIL).await;
    let other = app
        .call("login/code", &[("code", &crate::common::app_code(&enrolled.key, now))], Some(&other))
        .await
        .session_cookie()
        .unwrap();
    let mails_before = mails_queued_to(&app, EMAIL).await;
    let code = crate::common::app_code(&enrolled.key, now + 30);
    let asked = [("password", PASSWORD), ("code", code.as_str()), ("number", NUMBER)];
    let sent = app.call("two-factor/sms/change", &asked, Some(&cookie)).await;
    sent.expect_status(StatusCode::OK);
    assert_eq!(sent.json()["to"], "•••• ••• 678");
    app.call("two-factor/sms/change/confirm", &[("code", &last_code(&app))], Some(&cookie))
        .await
        .expect_status(StatusCode::OK);
    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!((status["app"].clone(), status["sms_to"].clone()), (true.into(), "•••• ••• 678".into()));
    app.call("account", &[], Some(&other))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "another session");
    assert_eq!(mails_queued_to(&app, EMAIL).await, mails_before + 1, "the change is mailed");

    // A login offers both; the app is asked for first, and a text comes only when asked.
    let half = password_step(&app, EMAIL).await;
    let choice = app.call("login/methods", &[], Some(&half)).await.json();
    assert_eq!(
        choice,
        serde_json::json!({"app": true, "sms_to": "•••• ••• 678", "sms_code_sent": false, "passkey": false})
    );
    app.call("login/sms/send", &[], Some(&half)).await.expect_status(StatusCode::OK);
    app.call("login/sms", &[("code", &last_code(&app))], Some(&half)).await.expect_status(StatusCode::OK);

    // Removing it needs a factor that remains: a texted code is not one.
    app.call("two-factor/sms/send", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let texted = [("password", PASSWORD), ("code", &last_code(&app))];
    app.call("two-factor/sms/remove", &texted, Some(&cookie))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "a texted code to remove the number");
    // (Every code of the app's window is used by now: a backup code is a factor that remains too.)
    let backup = enrolled.backup_codes[0].clone();
    app.call("two-factor/sms/remove", &[("password", PASSWORD), ("code", &backup)], Some(&cookie))
        .await
        .expect_status(StatusCode::OK);
    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!((status["app"].clone(), status["sms_to"].clone()), (true.into(), serde_json::Value::Null));
}

fn common_wrong_code(key: &str, now: i64) -> String {
    crate::common::wrong_code(key, now)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sms_only_account_keeps_its_only_factor_and_moves_it_with_a_texted_code() {
    let app = TestApp::new().await;
    let (cookie, _) = enroll_by_sms(&app, EMAIL).await;
    app.call("two-factor/sms/remove", &[("password", PASSWORD), ("code", "123456")], Some(&cookie))
        .await
        .expect_status_for(StatusCode::CONFLICT, "removing the only factor");

    // A code to the number on file proves it; the new number gets a code of its own at once.
    app.call("two-factor/sms/send", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let proof = last_code(&app);
    let asked = [("password", PASSWORD), ("code", proof.as_str()), ("number", "06 87654321")];
    app.call("two-factor/sms/change", &asked, Some(&cookie)).await.expect_status(StatusCode::OK);
    let code = texts_to(&app, "+31687654321").pop().expect("a text to the new number").1;
    app.call("two-factor/sms/change/confirm", &[("code", &code)], Some(&cookie))
        .await
        .expect_status(StatusCode::OK);
    let before = texts_to(&app, "+31687654321").len();
    password_step(&app, EMAIL).await;
    assert_eq!(texts_to(&app, "+31687654321").len(), before + 1, "logins text the new number");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_added_beside_texted_codes_only_with_a_current_second_factor() {
    let app = TestApp::new().await;
    let (cookie, _) = enroll_by_sms(&app, EMAIL).await;
    let refused =
        app.call("two-factor/app/add", &[("password", PASSWORD), ("code", "")], Some(&cookie)).await;
    refused.expect_status_for(StatusCode::BAD_REQUEST, "no second factor");
    let other = password_step(&app, EMAIL).await;
    let other = app.call("login/sms", &[("code", &last_code(&app))], Some(&other)).await;
    other.expect_status(StatusCode::OK);
    let other = other.session_cookie().expect("a fully authenticated session elsewhere");

    app.call("two-factor/sms/send", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let asked = app
        .call("two-factor/app/add", &[("password", PASSWORD), ("code", &last_code(&app))], Some(&cookie))
        .await;
    asked.expect_status(StatusCode::OK);
    let key = asked.json()["key"].as_str().unwrap().replace(' ', "");
    let mails_before = mails_queued_to(&app, EMAIL).await;
    app.call(
        "two-factor/app/add/confirm",
        &[("code", &crate::common::app_code(&key, unix_now()))],
        Some(&cookie),
    )
    .await
    .expect_status(StatusCode::OK);
    let status = app.call("two-factor/status", &[], Some(&cookie)).await.json();
    assert_eq!((status["app"].clone(), status["sms_to"].clone()), (true.into(), "•••• ••• 678".into()));
    assert_eq!(status["backup_codes_left"], 10, "the backup codes stay");
    assert_eq!(mails_queued_to(&app, EMAIL).await, mails_before + 1, "the change is mailed");
    app.call("account", &[], Some(&other))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "another session");
    // From now on the app is asked for first, and no text goes out by itself.
    let before = texts_to(&app, "+31612345678").len();
    let half = password_step(&app, EMAIL).await;
    assert_eq!(texts_to(&app, "+31612345678").len(), before, "no text when the app is there");
    let choice = app.call("login/methods", &[], Some(&half)).await.json();
    assert_eq!(
        choice,
        serde_json::json!({"app": true, "sms_to": "•••• ••• 678", "sms_code_sent": false, "passkey": false})
    );
}

/// From a review: a code texted to a number that was never proven (a change begun and not
/// confirmed) was taken as the account's current second factor, so one backup code and the
/// password gave a thief endless proofs (new backup codes, 2FA off) from their own phone. Now a
/// code counts only for the number it was sent to: the number on file for a proof, the pending
/// one for its confirmation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_texted_to_an_unproven_number_proves_nothing() {
    let app = TestApp::new().await;
    let (cookie, backup_codes) = enroll_by_sms(&app, EMAIL).await;
    let thief_number = "06 87654321";
    let asked = [("password", PASSWORD), ("code", backup_codes[0].as_str()), ("number", thief_number)];
    app.call("two-factor/sms/change", &asked, Some(&cookie)).await.expect_status(StatusCode::OK);
    let thief_code = texts_to(&app, "+31687654321").pop().unwrap().1;
    let regenerated = app
        .call(
            "two-factor/backup-codes/regenerate",
            &[("password", PASSWORD), ("code", &thief_code)],
            Some(&cookie),
        )
        .await;
    regenerated
        .expect_status_for(StatusCode::UNAUTHORIZED, "a code to the thief's unproven number as the factor");

    // And a code to the number on file does not confirm another number.
    let other = app.sign_up_confirmed("other@example.org").await;
    let begin = |number: &'static str| [("password", PASSWORD), ("number", number)];
    app.call("two-factor/sms/begin", &begin(NUMBER), Some(&other)).await.expect_status(StatusCode::OK);
    let first_code = last_code(&app);
    // A second number typed at once: kept as pending, its text refused by the wait.
    app.call("two-factor/sms/begin", &begin("06 11223344"), Some(&other)).await;
    app.call("two-factor/sms/confirm", &[("code", &first_code)], Some(&other))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "the first number's code for the second number");
}

/// From a review: "Set up another smartphone" on an account with texted codes only used up the
/// texted code, then answered that there was no key. Now it refuses first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_smartphone_without_the_app_uses_up_no_code() {
    let app = TestApp::new().await;
    let (cookie, _) = enroll_by_sms(&app, EMAIL).await;
    app.call("two-factor/sms/send", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    let code = last_code(&app);
    let refused =
        app.call("two-factor/another-phone", &[("password", PASSWORD), ("code", &code)], Some(&cookie)).await;
    refused.expect_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["error"], "two_factor_off");
    // The code is still good for what it was asked for.
    app.call("two-factor/backup-codes/regenerate", &[("password", PASSWORD), ("code", &code)], Some(&cookie))
        .await
        .expect_status_for(StatusCode::OK, "the texted code, not used up");
}

/// As after every other change to how the account logs in (issue 24, finding 2): the browser
/// that changes the number, removes it or adds the app gets its device cookie anew, so that a
/// stranger's wrong passwords cannot lock the owner out of it afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_that_changes_the_factors_stays_trusted() {
    let app = TestApp::new().await;
    let signup = app.call("signup", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    let device = signup.cookie("device").expect("a device cookie at sign-up");
    let session = signup.session_cookie().unwrap();
    app.confirm_address(&session).await;
    let browser = |session: &str, device: &str| format!("{session}; {device}");
    let begun = [("password", PASSWORD), ("number", NUMBER)];
    app.call("two-factor/sms/begin", &begun, Some(&browser(&session, &device)))
        .await
        .expect_status(StatusCode::OK);
    let on = app
        .call("two-factor/sms/confirm", &[("code", &last_code(&app))], Some(&browser(&session, &device)))
        .await;
    on.expect_status(StatusCode::OK);
    let backup_codes: Vec<String> = serde_json::from_value(on.json()["codes"].clone()).unwrap();
    let mut device = on.cookie("device").expect("renewed when SMS is turned on");

    // Add the app (proven by a text), change the number, remove it: each renews the cookie.
    app.call("two-factor/sms/send", &[], Some(&browser(&session, &device)))
        .await
        .expect_status(StatusCode::OK);
    let asked = [("password", PASSWORD), ("code", &last_code(&app))];
    let key = app.call("two-factor/app/add", &asked, Some(&browser(&session, &device))).await.json()["key"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    let now = unix_now();
    let first = crate::common::app_code(&key, now);
    let added =
        app.call("two-factor/app/add/confirm", &[("code", &first)], Some(&browser(&session, &device))).await;
    added.expect_status(StatusCode::OK);
    device = added.cookie("device").expect("renewed when the app is added");

    let asked = [("password", PASSWORD), ("code", backup_codes[0].as_str()), ("number", "06 87654321")];
    app.call("two-factor/sms/change", &asked, Some(&browser(&session, &device)))
        .await
        .expect_status(StatusCode::OK);
    let code = texts_to(&app, "+31687654321").pop().unwrap().1;
    let changed = app
        .call("two-factor/sms/change/confirm", &[("code", &code)], Some(&browser(&session, &device)))
        .await;
    changed.expect_status(StatusCode::OK);
    device = changed.cookie("device").expect("renewed when the number changes");

    let removal = [("password", PASSWORD), ("code", backup_codes[1].as_str())];
    let removed = app.call("two-factor/sms/remove", &removal, Some(&browser(&session, &device))).await;
    removed.expect_status(StatusCode::OK);
    removed.cookie("device").expect("renewed when the number is removed");
}
