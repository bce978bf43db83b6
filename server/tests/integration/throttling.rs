//! Guessing limits, per account in the database: across sessions, with an injected clock.

use crate::common;

use common::{app_code, wrong_code, TestApp, PASSWORD};
use http::StatusCode;
use std::time::Duration;

use app::backend::caller::Caller;
use app::backend::crypto::devices;
use app::backend::second_factor::{self, Entered};
use app::backend::sessions::Session;
use app::backend::{throttle, unix_now};
use app::AppError;

const EMAIL: &str = "ada@example.org";

/// Signs up, turns 2FA on and returns (user id, key).
async fn enrolled(app: &TestApp) -> (Session, String) {
    let enrolled = app.enroll(EMAIL).await;
    (app.session_of(&enrolled.cookie).await, enrolled.key)
}

/// The owner, in the browser they always use: it logged in before, so it has a device cookie.
async fn owner_login(
    app: &TestApp,
    session: &Session,
    code: &str,
    now: i64,
) -> Result<Option<u32>, AppError> {
    let key = &app.state.settings.data_key;
    let device =
        devices::verify(key, &devices::issue(key, session.user_id.0, session.epoch.0, now, None)).unwrap();
    let caller = Caller { ip: Some("198.51.100.7".into()), now, devices: vec![device], ..Caller::default() };
    second_factor::consume(&app.state, session, Entered::AppCode(code), &caller).await
}

async fn guess(app: &TestApp, session: &Session, code: &str, now: i64) -> Result<Option<u32>, AppError> {
    second_factor::consume(&app.state, session, Entered::AppCode(code), &Caller::at(now)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_five_failures_even_the_right_code_waits_and_the_delay_doubles() {
    let app = TestApp::new().await;
    let (session, key) = enrolled(&app).await;
    let t0 = unix_now() + 60;
    for _ in 0..5 {
        assert_eq!(guess(&app, &session, &wrong_code(&key, t0), t0).await, Err(AppError::WrongCode));
    }
    let refused = guess(&app, &session, &app_code(&key, t0), t0 + 1).await;
    assert_eq!(refused, Err(AppError::TooManyAttempts { retry_after_secs: 29 }));
    assert_eq!(refused.unwrap_err().to_string(), "Too many attempts. Try again in 1 minute.");

    // After 30 seconds one more guess; wrong again, the next delay is 60 seconds.
    let t1 = t0 + 30;
    assert_eq!(guess(&app, &session, &wrong_code(&key, t1), t1).await, Err(AppError::WrongCode));
    assert_eq!(
        guess(&app, &session, &app_code(&key, t1 + 59), t1 + 59).await,
        Err(AppError::TooManyAttempts { retry_after_secs: 1 })
    );
    // A success resets the count: five free failures again.
    let t2 = t1 + 60;
    assert_eq!(guess(&app, &session, &app_code(&key, t2), t2).await, Ok(None));
    let t3 = t2 + 30;
    for _ in 0..4 {
        assert_eq!(guess(&app, &session, &wrong_code(&key, t3), t3).await, Err(AppError::WrongCode));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_count_survives_new_sessions_and_covers_backup_codes_too() {
    let app = TestApp::new().await;
    let (_, key) = enrolled(&app).await;
    let wrong = wrong_code(&key, unix_now());
    for attempt in 0..5 {
        // A fresh half-logged-in session for every guess changes nothing.
        let half = app
            .call("login", &[("email", EMAIL), ("password", PASSWORD)], None)
            .await
            .session_cookie()
            .unwrap();
        let endpoint = if attempt % 2 == 0 { "login/code" } else { "login/backup-code" };
        let code = if attempt % 2 == 0 { wrong.clone() } else { "aaaaa-bbbbb".to_owned() };
        let reply = app.call(endpoint, &[("code", &code)], Some(&half)).await;
        reply.expect_status(StatusCode::UNAUTHORIZED);
    }
    let half =
        app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let right = app.call("login/code", &[("code", &app_code(&key, unix_now() + 30))], Some(&half)).await;
    right.expect_status(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(right.json()["error"], "too_many_attempts");
    let wait: i64 = right.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(right.json()["message"].as_str().unwrap().starts_with("Too many attempts. Try again in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_limited_per_email_known_or_not() {
    let app = TestApp::new().await;
    app.sign_up(EMAIL).await;
    for email in [EMAIL, "nobody@example.org"] {
        for _ in 0..5 {
            let reply = app.call("login", &[("email", email), ("password", "wrong password")], None).await;
            reply.expect_status(StatusCode::UNAUTHORIZED);
        }
        let right = app.call("login", &[("email", email), ("password", PASSWORD)], None).await;
        right.expect_status_for(StatusCode::TOO_MANY_REQUESTS, email);
    }
}

/// The day's failures counted in `scope`.
async fn failures_today(app: &TestApp, scope: &throttle::Scope) -> i64 {
    sqlx::query_scalar("SELECT day_failures FROM attempt_limits WHERE scope = $1")
        .bind(&scope.key)
        .fetch_optional(&app.state.db)
        .await
        .unwrap()
        .unwrap_or(0)
}

/// The day's failures counted on the email's password.
async fn password_failures_today(app: &TestApp) -> i64 {
    failures_today(app, &throttle::password_scope(EMAIL)).await
}

/// Waits (up to three seconds) until the day's failures in `scope` are `count`.
async fn until_failures_today(app: &TestApp, scope: &throttle::Scope, count: i64) {
    for _ in 0..300 {
        if failures_today(app, scope).await == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Drives `check` until its attempt shows in `scope` (the day's failures above `before`), then
/// drops it there, as a browser that gives up mid-check does, and waits (up to three seconds)
/// for the count to be `before` again. False when `check` ended before it was seen counted.
async fn give_up_once_counted(
    app: &TestApp,
    scope: &throttle::Scope,
    before: i64,
    check: impl std::future::Future,
) -> bool {
    let mut check = Box::pin(check);
    let counted = async {
        while failures_today(app, scope).await == before {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        _ = &mut check => return false,
        _ = counted => {}
    }
    // The browser gives up here, while the check runs (a hash); the check goes on.
    drop(check);
    until_failures_today(app, scope, before).await;
    true
}

/// The password asked again before a change, given up on while it was being hashed, is checked
/// to the end and counted as right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_recheck_the_browser_gave_up_on_is_counted_as_what_it_was() {
    let app = TestApp::new().await;
    let cookie = app.sign_up(EMAIL).await;
    let session = app.session_of(&cookie).await;
    let scope = throttle::password_scope(EMAIL);
    let caller = Caller::at(unix_now());
    let check = app::backend::password_check::check_password(&app.state.db, &session, PASSWORD, &caller);
    let given_up = give_up_once_counted(&app, &scope, 0, check).await;
    assert!(given_up, "the password was checked before its attempt was seen counted");
    assert_eq!(
        failures_today(&app, &scope).await,
        0,
        "a right password given up on was counted as a failure"
    );
}

/// A backup code the browser gave up on while it was being checked (argon2id, as slow as a
/// password) is checked to the end: used, and counted as right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_factor_the_browser_gave_up_on_is_counted_as_what_it_was() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let session = app.session_of(&enrolled.cookie).await;
    let scope = throttle::second_factor_scope(session.user_id);
    let caller = Caller::at(unix_now());
    let code = enrolled.backup_codes[0].as_str();
    let check = second_factor::consume(&app.state, &session, Entered::BackupCode(code), &caller);
    let given_up = give_up_once_counted(&app, &scope, 0, check).await;
    assert!(given_up, "the code was checked before its guess was seen counted");
    assert_eq!(failures_today(&app, &scope).await, 0, "a right code given up on was counted as a failure");
    let again = second_factor::consume(&app.state, &session, Entered::BackupCode(code), &caller).await;
    assert_eq!(again, Err(AppError::WrongBackupCode), "the code given up on was used");
}

/// Polls `check` one step at a time, each step given time to get its answer from the database,
/// and drops it at the first sight of its attempt counted in `scope` (the day's failures above
/// `before`), as a browser that gives up right then does.
async fn give_up_at_first_sight_of_its_count(
    app: &TestApp,
    scope: &throttle::Scope,
    before: i64,
    check: impl std::future::Future,
) {
    let mut check = Box::pin(check);
    for _ in 0..200 {
        tokio::select! {
            biased;
            _ = &mut check => return,
            _ = std::future::ready(()) => {}
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        if failures_today(app, scope).await != before {
            break;
        }
    }
    drop(check);
}

/// The code that finishes a 2FA setup, given up on right after its guess was counted, is checked
/// to the end and counted as what it was. When it stopped with the request, a right code stayed
/// counted as a failure, and ten such in a day locked the owner's second factor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setup_code_the_browser_gave_up_on_is_counted_as_what_it_was() {
    let app = TestApp::new().await;
    let cookie = app.sign_up_confirmed(EMAIL).await;
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await.json();
    let key = setup["key"].as_str().unwrap().replace(' ', "");
    let session = app.session_of(&cookie).await;
    let scope = throttle::second_factor_scope(session.user_id);
    let now = unix_now();
    let code = app_code(&key, now);
    let caller = Caller::at(now);
    let confirm = second_factor::finish_enrolment(
        &app.state,
        &session,
        second_factor::Method::Authenticator,
        &code,
        &caller,
    );
    give_up_at_first_sight_of_its_count(&app, &scope, 0, confirm).await;
    until_failures_today(&app, &scope, 0).await;
    assert_eq!(
        failures_today(&app, &scope).await,
        0,
        "a right setup code given up on was counted as a failure"
    );
}

/// A login the browser gave up on (a tab closed, the connection lost, the button pressed twice)
/// while its password was being checked is checked to the end and counted as what it was. When
/// the check stopped with the request, each stayed counted as a failure, and ten of them with
/// the right password locked the owner out for the day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_the_browser_gave_up_on_are_counted_as_what_they_were() {
    let app = TestApp::new().await;
    app.sign_up(EMAIL).await;
    for _ in 0..throttle::ACCOUNT_POLICY.max_failures_per_day.unwrap() {
        let before = password_failures_today(&app).await;
        let login =
            app.send(common::server_fn_request("login", &[("email", EMAIL), ("password", PASSWORD)], None));
        // A login answered at once was not given up on (when the owner is locked out, say: the
        // last assertions tell).
        give_up_once_counted(&app, &throttle::password_scope(EMAIL), before, login).await;
    }
    assert_eq!(password_failures_today(&app).await, 0, "logins given up on were counted as failures");
    let reply = app.call("login", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    reply.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_outrun_the_count() {
    let app = TestApp::new().await;
    let (session, key) = enrolled(&app).await;
    let now = unix_now() + 60;
    let wrong = wrong_code(&key, now);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (state, session) = (app.state.clone(), session.clone());
            let wrong = wrong.clone();
            tokio::spawn(async move {
                second_factor::consume(&state, &session, Entered::AppCode(&wrong), &Caller::at(now)).await
            })
        })
        .collect();
    let mut checked = 0;
    for task in tasks {
        if task.await.unwrap() == Err(AppError::WrongCode) {
            checked += 1;
        }
    }
    assert_eq!(checked, throttle::ACCOUNT_POLICY.free_failures, "guesses that reached the code check");
}

/// Hole 7 of security round 2: a success used to clear the day's failures, so an attacker who
/// stops short of the lock before each of the owner's logins (here from a browser without a
/// device cookie, on the account's own count) guessed without a daily bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owners_logins_do_not_give_the_attacker_the_day_back() {
    let app = TestApp::new().await;
    let (session, key) = enrolled(&app).await;
    let start = unix_now() + 60;
    let mut failures = 0;
    for login in 0..12 {
        let now = start + login * 2 * 3600;
        for k in 0..4 {
            if guess(&app, &session, &wrong_code(&key, now + k), now + k).await == Err(AppError::WrongCode) {
                failures += 1;
            }
        }
        // The owner's login: right, or refused once the day's failures are used up.
        let owner = guess(&app, &session, &app_code(&key, now + 10), now + 10).await;
        assert!(matches!(owner, Ok(None) | Err(AppError::TooManyAttempts { .. })), "{owner:?}");
    }
    assert_eq!(
        failures,
        throttle::ACCOUNT_POLICY.max_failures_per_day.unwrap(),
        "failures checked in one day"
    );
}

/// RFC 6238 §5.2, RFC 4226 §7.3, ASVS 2.2.1: an attacker who knows the password guesses codes
/// as fast as the limits allow, for 30 days, while the owner logs in with a right code 12 times a
/// day (every two hours): the owner's successes must not give the attacker new guesses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attacker_gets_too_few_guesses_in_30_days_to_matter() {
    let app = TestApp::new().await;
    let (session, key) = enrolled(&app).await;
    let start = unix_now() + 60;
    let end = start + 30 * 24 * 3600;
    let mut now = start;
    let mut next_owner_login = start + 45;
    let (mut owner_logins, mut owner_refused) = (0, 0);
    let mut guesses: Vec<i64> = Vec::new();
    while now < end {
        if now >= next_owner_login {
            match owner_login(&app, &session, &app_code(&key, now), now).await {
                Ok(_) => owner_logins += 1,
                Err(AppError::TooManyAttempts { .. }) => owner_refused += 1,
                other => panic!("owner: unexpected {other:?}"),
            }
            next_owner_login += 2 * 3600;
        }
        match guess(&app, &session, &wrong_code(&key, now), now).await {
            Err(AppError::WrongCode) => {
                guesses.push(now);
                now += 1;
            }
            Err(AppError::TooManyAttempts { retry_after_secs }) => {
                now += retry_after_secs.min((next_owner_login - now).max(1))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // Each guess hits one of 3 valid codes (the ±1 step window) out of 1,000,000.
    let chance = 1.0 - (1.0 - 3e-6_f64).powi(guesses.len() as i32);
    let busiest_hour = guesses
        .iter()
        .map(|&t| guesses.iter().filter(|&&u| u >= t && u < t + 3600).count())
        .max()
        .unwrap_or(0);
    println!(
        "30 days: {} guesses, chance to hit {:.4}%, at most {busiest_hour} failures in an hour; \
         owner: {owner_logins} logins, {owner_refused} refused",
        guesses.len(),
        chance * 100.0
    );
    assert!(owner_logins >= 30 * 12 - 1, "{owner_logins}");
    assert!(chance <= 0.001, "{chance}");
    assert!(busiest_hour <= 100, "{busiest_hour}");
}

/// The address's and the account's counts are begun in one commit; an account that refuses the
/// attempt still leaves it counted on the address, as it was when each scope committed alone: a
/// machine spraying guesses at locked accounts is slowed like one spraying at open ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_an_account_refuses_is_still_counted_on_the_address() {
    let app = TestApp::new().await;
    let now = unix_now();
    let scopes = throttle::scopes(throttle::password_scope(EMAIL), Some("203.0.113.9"));
    let address = &scopes[0];
    for _ in 0..throttle::ACCOUNT_POLICY.free_failures {
        throttle::begin_attempt(&app.state.db, &scopes, now).await.unwrap();
    }
    let refused = throttle::begin_attempt(&app.state.db, &scopes, now).await;
    assert!(matches!(refused, Err(AppError::TooManyAttempts { .. })), "{refused:?}");
    assert_eq!(password_failures_today(&app).await, throttle::ACCOUNT_POLICY.free_failures);
    assert_eq!(failures_today(&app, address).await, throttle::ACCOUNT_POLICY.free_failures + 1);
}
