//! The attacks of security round 2, each performed over the API as an attacker would. Each test
//! is named after what it shows; each succeeded against the code before its fix.

use crate::common;

use common::{app_code, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::unix_now;

const OWNER: &str = "owner@example.org";
const OWNER_IP: &str = "198.51.100.7";
const ATTACKER_IP: &str = "203.0.113.66";

fn key_of(setup: &serde_json::Value) -> String {
    setup["key"].as_str().unwrap_or_else(|| panic!("no key in {setup}")).replace(' ', "")
}

/// Hole 1: a thief who logged in with the stolen password before the owner turned 2FA on polls
/// "begin" and must not receive the key the owner scans, nor log in afterwards with a code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_thief_does_not_learn_the_key_the_owner_enrols() {
    let app = TestApp::new().await;
    let owner = app.sign_up_confirmed(OWNER).await;
    let thief = app
        .call_from(ATTACKER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();

    let owners = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&owner)).await.json();
    let thiefs = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&thief)).await.json();
    let owner_key = key_of(&owners);
    assert_ne!(key_of(&thiefs), owner_key, "the thief received the owner's key");
    // The owner's own session still sees its key when the modal is opened again.
    let again = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&owner)).await.json();
    assert_eq!(key_of(&again), owner_key);

    let code = app_code(&owner_key, unix_now() - 30);
    let confirmed = app.call("two-factor/confirm", &[("code", &code)], Some(&owner)).await;
    confirmed.expect_status(StatusCode::OK);

    // The thief logs in again and tries a code from the key they were given.
    let half = app
        .call_from(ATTACKER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let now = unix_now();
    let thief_code = app_code(&key_of(&thiefs), now);
    if thief_code != app_code(&owner_key, now) {
        let attempt = app.call_from(ATTACKER_IP, "login/code", &[("code", &thief_code)], Some(&half)).await;
        attempt.expect_status(StatusCode::UNAUTHORIZED);
    }
    // The key that was confirmed is the one the owner's code was checked against.
    let owner_code = app_code(&owner_key, now + 30);
    let owner_login = app.call("login/code", &[("code", &owner_code)], Some(&half)).await;
    owner_login.expect_status(StatusCode::OK);

    let events = app.call("security/events", &[], Some(&owner_login.session_cookie().unwrap())).await.json();
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"two_factor_setup_started"), "{kinds:?}");
}

/// Hole 4: a hijacked session plus the password must not yield a new set of backup codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_backup_codes_need_a_current_code_not_just_the_password() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    let password_only = app
        .call("two-factor/backup-codes/regenerate", &[("password", PASSWORD)], Some(&enrolled.cookie))
        .await;
    password_only.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(password_only.json()["error"], "code_missing");
    let wrong = common::wrong_code(&enrolled.key, unix_now());
    let wrong = app
        .call(
            "two-factor/backup-codes/regenerate",
            &[("password", PASSWORD), ("code", &wrong)],
            Some(&enrolled.cookie),
        )
        .await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    // The owner's set still works after the refused attempt.
    let code = app_code(&enrolled.key, unix_now() + 30);
    let renewed = app
        .call(
            "two-factor/backup-codes/regenerate",
            &[("password", PASSWORD), ("code", &code)],
            Some(&enrolled.cookie),
        )
        .await;
    renewed.expect_status(StatusCode::OK);
}

/// Hole 2: about ten wrong passwords from anyone kept the owner out for a day. A browser that
/// logged in before carries a device cookie and logs in at once with the right password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_the_owner_out_of_a_browser_that_logged_in_before() {
    let app = TestApp::new().await;
    let signup = app.call_from(OWNER_IP, "signup", &[("email", OWNER), ("password", PASSWORD)], None).await;
    signup.expect_status(StatusCode::OK);
    let device = signup.cookie("device").expect("a browser that logged in gets a device cookie");
    app.call_from(OWNER_IP, "logout", &[], Some(&signup.session_cookie().unwrap())).await;

    // A stranger, from many addresses, fails until untrusted clients are locked out.
    let mut locked = false;
    for i in 0..12 {
        let ip = format!("203.0.113.{i}");
        let reply = app
            .call_from(&ip, "login", &[("email", OWNER), ("password", "wrong password, wrong")], None)
            .await;
        locked |= reply.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(locked, "the stranger was never slowed down");
    let untrusted = app.call_from(OWNER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], None).await;
    untrusted.expect_status_for(StatusCode::TOO_MANY_REQUESTS, "untrusted clients stay locked out");

    let trusted =
        app.call_from(OWNER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], Some(&device)).await;
    trusted.expect_status(StatusCode::OK);
}

/// Hole 3: a password-only login in flight while the owner turns 2FA on. The login read "2FA
/// off" before the enrolment and stores its session after it; that session must reach nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_racing_the_enrolment_keeps_no_session() {
    use app::account::AuthLevel;
    use app::backend::{sessions, store::users as accounts};
    let app = TestApp::new().await;
    let owner = app.sign_up_confirmed(OWNER).await;
    let user_id = app.session_of(&owner).await.user_id;

    // The racing login reads the account: 2FA off (and the epoch, in the same statement)...
    let seen = accounts::find_by_id(&app.state.db, user_id).await.unwrap();
    assert!(!seen.two_factor_on());
    // ...the owner turns 2FA on meanwhile...
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&owner)).await.json();
    let code = app_code(&key_of(&setup), unix_now() - 30);
    app.call("two-factor/confirm", &[("code", &code)], Some(&owner)).await.expect_status(StatusCode::OK);
    // ...and the login then stores its fully authenticated session.
    let level = AuthLevel::FullyAuthenticated;
    let token = sessions::start(
        &app.state.db,
        user_id,
        level,
        seen.auth_epoch,
        &app::backend::caller::Caller::at(unix_now()),
    )
    .await
    .unwrap();

    let reply = app.call("account", &[], Some(&format!("session={}", token.as_str()))).await;
    reply.expect_status_for(StatusCode::UNAUTHORIZED, "the racing login kept a session");
}

/// Hole 3, the same mechanism: every change to the factors ends the account's other sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_backup_codes_and_turning_2fa_off_end_the_other_sessions() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    let log_in = |at: i64| {
        let app = &app;
        let key = enrolled.key.clone();
        async move {
            let half = app
                .call("login", &[("email", OWNER), ("password", PASSWORD)], None)
                .await
                .session_cookie()
                .unwrap();
            let full = app.call("login/code", &[("code", &app_code(&key, at))], Some(&half)).await;
            full.expect_status(StatusCode::OK);
            full.session_cookie().unwrap()
        }
    };
    let now = unix_now();
    let other = log_in(now).await;
    let code = enrolled.backup_codes[0].clone();
    let renewed = app
        .call(
            "two-factor/backup-codes/regenerate",
            &[("password", PASSWORD), ("code", &code)],
            Some(&enrolled.cookie),
        )
        .await;
    renewed.expect_status(StatusCode::OK);
    app.call("account", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    app.call("account", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::OK);

    let other = log_in(now + 30).await;
    let codes: Vec<String> = serde_json::from_value(renewed.json()["codes"].clone()).unwrap();
    let off = app
        .call("two-factor/disable", &[("password", PASSWORD), ("code", &codes[0])], Some(&enrolled.cookie))
        .await;
    off.expect_status(StatusCode::OK);
    app.call("account", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    app.call("account", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::OK);
}

/// Hole 5: an attacker logged in to an account of their own every 99 failures and sprayed
/// passwords without limit. A success no longer resets the address's count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_from_an_address_does_not_reset_its_count_for_other_accounts() {
    let app = TestApp::new().await;
    let own = "attacker@example.org";
    app.call_from("192.0.2.1", "signup", &[("email", own), ("password", PASSWORD)], None)
        .await
        .expect_status(StatusCode::OK);
    let mut refused_at = None;
    'spray: for round in 0..3 {
        for i in 0..45 {
            let victim = format!("victim-{round}-{i}@example.org");
            let reply = app
                .call_from(
                    ATTACKER_IP,
                    "login",
                    &[("email", &victim), ("password", "spring2026-password")],
                    None,
                )
                .await;
            if reply.status == StatusCode::TOO_MANY_REQUESTS {
                refused_at = Some(round * 45 + i);
                break 'spray;
            }
            reply.expect_status(StatusCode::UNAUTHORIZED);
        }
        let own_login =
            app.call_from(ATTACKER_IP, "login", &[("email", own), ("password", PASSWORD)], None).await;
        own_login.expect_status(StatusCode::OK);
    }
    assert_eq!(refused_at, Some(100), "the address was not slowed down after 100 failures");
}

/// Hole 5: an IPv6 client owns a whole /64; changing the last 64 bits does not get a new count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_clients_are_counted_per_64_bit_prefix() {
    let app = TestApp::new().await;
    for i in 0..100 {
        let ip = format!("2001:db8:1:2::{:x}", i + 1);
        let victim = format!("victim-{i}@example.org");
        let reply = app
            .call_from(&ip, "login", &[("email", &victim), ("password", "spring2026-password")], None)
            .await;
        reply.expect_status_for(StatusCode::UNAUTHORIZED, format_args!("attempt {i}"));
    }
    let form = [("email", "someone@example.org"), ("password", "spring2026-password")];
    let same_prefix = app.call_from("2001:db8:1:2:ffff:ffff:ffff:ffff", "login", &form, None).await;
    same_prefix.expect_status(StatusCode::TOO_MANY_REQUESTS);
    let other_prefix = app.call_from("2001:db8:1:3::1", "login", &form, None).await;
    other_prefix.expect_status(StatusCode::UNAUTHORIZED);
}

/// Hole 6: each sign-up costs a 19 MiB hash and tells whether an address has an account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_from_one_address_are_limited() {
    let app = TestApp::new().await;
    let mut refused = None;
    for i in 0..30 {
        let email = format!("new-{i}@example.org");
        let reply =
            app.call_from(ATTACKER_IP, "signup", &[("email", &email), ("password", PASSWORD)], None).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.headers.contains_key("retry-after"));
            refused = Some(i);
            break;
        }
        reply.expect_status(StatusCode::OK);
    }
    assert!(refused.is_some_and(|i| i <= 10), "sign-ups were never limited: {refused:?}");
    let elsewhere =
        app.call_from(OWNER_IP, "signup", &[("email", OWNER), ("password", PASSWORD)], None).await;
    elsewhere.expect_status(StatusCode::OK);
}

/// Hole 9: the event of a change is written in the change's transaction. An event that cannot
/// be written (here a trigger refuses it) undoes the change instead of leaving it unrecorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_2fa_is_never_without_its_event() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    // Only the event of the change itself is refused; the backup code's own event goes in.
    let statements: &[&str] = if common::is_postgres(&app.config) {
        &[
            "CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'events refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_events BEFORE INSERT ON security_events FOR EACH ROW
             WHEN (NEW.kind = 'two_factor_disabled') EXECUTE FUNCTION refuse_events()",
        ]
    } else {
        &["CREATE TRIGGER refuse_events BEFORE INSERT ON security_events WHEN NEW.kind = 'two_factor_disabled'
           BEGIN SELECT RAISE(ABORT, 'events refused'); END"]
    };
    for statement in statements {
        sqlx::query(statement).execute(&app.state.db).await.unwrap();
    }
    let off = app
        .call(
            "two-factor/disable",
            &[("password", PASSWORD), ("code", &enrolled.backup_codes[0])],
            Some(&enrolled.cookie),
        )
        .await;
    off.expect_status(StatusCode::INTERNAL_SERVER_ERROR);
    let status = app.call("two-factor/status", &[], Some(&enrolled.cookie)).await.json();
    assert_eq!(status["enabled"], true, "2FA went off without its event");
}

/// Hole 11 (ASVS 2.1.1, 2.1.2, 2.1.7): short, overlong and well-known passwords are refused
/// with a message that says why; the same password typed in another Unicode form still logs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_passwords_are_refused_and_unicode_forms_are_one_password() {
    let app = TestApp::new().await;
    let sign_up = |email: &'static str, password: String| {
        let app = &app;
        async move { app.call("signup", &[("email", email), ("password", &password)], None).await }
    };
    let short = sign_up("a@example.org", "Tr0ub4dor&3".to_owned()).await;
    short.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(short.json()["error"], "password_too_short");
    assert_eq!(short.json()["min"], 12);

    let long = sign_up("a@example.org", "x7".repeat(65)).await;
    long.expect_status(StatusCode::BAD_REQUEST);
    assert_eq!(long.json()["error"], "password_too_long");
    assert_eq!(long.json()["max"], 128);
    assert_eq!(long.json()["message"], "Use a password of at most 128 characters.");

    for common_one in ["password1234", "qwertyuiop123", "iloveyou1234", "aaaaaaaaaaaaaaaa", "1234567890123"] {
        let reply = sign_up("a@example.org", common_one.to_owned()).await;
        reply.expect_status_for(StatusCode::BAD_REQUEST, common_one);
        assert_eq!(reply.json()["error"], "password_too_common", "{common_one}");
    }

    // Full-width letters are the same password as their ASCII forms once NFKC-normalised.
    let wide: String = PASSWORD
        .chars()
        .map(|c| if c.is_ascii_alphabetic() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    let created = sign_up("wide@example.org", wide).await;
    created.expect_status(StatusCode::OK);
    let login = app.call("login", &[("email", "wide@example.org"), ("password", PASSWORD)], None).await;
    login.expect_status(StatusCode::OK);
}

/// Hole 8: what has expired leaves the database: sessions, stale pending secrets, the sealed
/// download copy of backup codes after its window, and attempt counters with nothing left to count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_rows_are_deleted_and_the_backup_code_copy_is_gone_after_its_window() {
    use app::backend::{second_factor::backup_codes::DOWNLOAD_WINDOW_SECS, upkeep::cleanup};
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    let pending = app.sign_up_confirmed("pending@example.org").await;
    let begun = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&pending)).await;
    begun.expect_status(StatusCode::OK);
    let wrong = [("email", "nobody@example.org"), ("password", "wrong password, wrong")];
    app.call("login", &wrong, None).await.expect_status(StatusCode::UNAUTHORIZED);
    let count = |table: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("backup_code_downloads").await, 1);

    let now = unix_now();
    cleanup::delete_expired(&app.state.db, now + 60).await.unwrap();
    assert_eq!(count("backup_code_downloads").await, 1, "still within its window");
    assert_eq!(count("totp_pending").await, 1);

    cleanup::delete_expired(&app.state.db, now + DOWNLOAD_WINDOW_SECS + 1).await.unwrap();
    assert_eq!(count("backup_code_downloads").await, 0, "the sealed copy outlived its window");
    // The session itself is still live (used within the idle timeout) and still works.
    app.call("account", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::OK);

    let a_day_later = now + 25 * 3600;
    let deleted = cleanup::delete_expired(&app.state.db, a_day_later).await.unwrap();
    assert!(deleted > 0);
    for table in ["sessions", "totp_pending", "backup_code_downloads"] {
        assert_eq!(count(table).await, 0, "{table} keeps expired rows");
    }
    // A failure in a row is remembered for a week; a counter of successes only goes at once.
    assert_eq!(count("attempt_limits").await, 1);
    cleanup::delete_expired(&app.state.db, now + cleanup::FORGET_FAILURES_SECS + 1).await.unwrap();
    assert_eq!(count("attempt_limits").await, 0);
    assert_eq!(count("totp_credentials").await, 1, "what has not expired stays");
    assert_eq!(count("backup_codes").await, 10);
}

/// The peak resident memory of a process, from the kernel's own account (VmHWM), in MiB.
fn peak_memory_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

/// Hole 6: 200 sign-ups at once, each from its own address (behind a trusted proxy), used to
/// run 200 argon2id hashes of 19 MiB at once. Memory stays bounded; whoever does not fit is told
/// to come back (503 with Retry-After), and the server goes on answering.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_sign_ups_keep_memory_bounded_and_the_server_answering() {
    use common::process::{start_with, wait_until_up};
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let mut instance =
        start_with(&database_url, dir.path(), "warn", &[("WEBAPP_TRUSTED_PROXIES", "127.0.0.1")]);
    let client = reqwest::Client::new();
    wait_until_up(&client, &mut instance).await;
    let pid = instance.child.id();
    let before = peak_memory_mib(pid);

    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let request = client
                .post(format!("{}/signup", instance.base))
                .header("x-forwarded-for", format!("10.0.{}.{}", i / 200, i % 200 + 1))
                .form(&[("email", format!("burst-{i}@example.org")), ("password", PASSWORD.to_owned())]);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status(), response.headers().get("retry-after").cloned())
            })
        })
        .collect();
    let (mut created, mut busy) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (reqwest::StatusCode::OK, _) => created += 1,
            (reqwest::StatusCode::SERVICE_UNAVAILABLE, retry_after) => {
                assert!(retry_after.is_some(), "503 without Retry-After");
                busy += 1;
            }
            (status, _) => panic!("unexpected {status}"),
        }
    }
    let peak = peak_memory_mib(pid);
    println!(
        "200 parallel sign-ups: {created} created, {busy} told to retry; peak memory {before} -> {peak} MiB"
    );
    assert!(created >= 2, "{created}");
    assert!(peak <= 200, "peak memory {peak} MiB");

    // The server still answers, and a sign-up after the burst succeeds.
    let after = client
        .post(format!("{}/signup", instance.base))
        .header("x-forwarded-for", "10.1.0.1")
        .form(&[("email", "after@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), reqwest::StatusCode::OK);
}

/// Review of hole 2: device cookies that a thief collected while 2FA was off (one per login)
/// must not each bring an allowance of code guesses once the owner has turned 2FA on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_cookies_from_before_2fa_was_turned_on_bring_no_extra_guesses() {
    let app = TestApp::new().await;
    let owner = app.sign_up_confirmed(OWNER).await;
    let login = [("email", OWNER), ("password", PASSWORD)];
    let mut stolen = Vec::new();
    for _ in 0..3 {
        let reply = app.call_from(ATTACKER_IP, "login", &login, None).await;
        stolen.push(reply.cookie("device").expect("a device cookie"));
    }
    let setup = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&owner)).await.json();
    let key = key_of(&setup);
    let confirmed =
        app.call("two-factor/confirm", &[("code", &app_code(&key, unix_now() - 30))], Some(&owner)).await;
    confirmed.expect_status(StatusCode::OK);

    let wrong = common::wrong_code(&key, unix_now());
    let mut checked = 0;
    for device in &stolen {
        let half = app.call_from(ATTACKER_IP, "login", &login, Some(device)).await.session_cookie().unwrap();
        for _ in 0..6 {
            let reply = app
                .call_from(ATTACKER_IP, "login/code", &[("code", &wrong)], Some(&format!("{half}; {device}")))
                .await;
            if reply.status == StatusCode::UNAUTHORIZED {
                checked += 1;
            }
        }
    }
    assert_eq!(checked, app::backend::throttle::ACCOUNT_POLICY.free_failures, "codes checked for the thief");
}

/// Review of hole 3: a change that was checked before another one ended its session (a
/// hijacker's request still running when the owner renews the codes) must not commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_from_a_session_that_has_ended_meanwhile_does_not_commit() {
    use app::backend::{caller::Caller, second_factor::changes as two_factor, second_factor::Entered};
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    let half =
        app.call("login", &[("email", OWNER), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let hijacker =
        app.call("login/code", &[("code", &app_code(&enrolled.key, unix_now()))], Some(&half)).await;
    let hijacked = app.session_of(&hijacker.session_cookie().unwrap()).await;

    let renewed = app
        .call(
            "two-factor/backup-codes/regenerate",
            &[("password", PASSWORD), ("code", &enrolled.backup_codes[0])],
            Some(&enrolled.cookie),
        )
        .await;
    renewed.expect_status(StatusCode::OK);
    let owners: Vec<String> = serde_json::from_value(renewed.json()["codes"].clone()).unwrap();

    let now = unix_now();
    let code = app_code(&enrolled.key, now + 30);
    let late = two_factor::regenerate_backup_codes(
        &app.state,
        &hijacked,
        PASSWORD,
        Entered::AppCode(&code),
        &Caller::at(now),
    )
    .await;
    assert_eq!(late.err(), Some(app::AppError::LoginRequired));
    app.call("account", &[], Some(&enrolled.cookie))
        .await
        .expect_status_for(StatusCode::OK, "the owner stays logged in");
    let half =
        app.call("login", &[("email", OWNER), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let with_owners = app.call("login/backup-code", &[("code", &owners[0])], Some(&half)).await;
    with_owners.expect_status_for(StatusCode::OK, "the owner's codes still work");
}
