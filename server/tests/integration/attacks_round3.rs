//! Security review, round 3 (issue 24): each test performs one finding's attack over the API and
//! checks that it now fails.

use crate::common;

use common::process::{call, start, wait_until_up};
use common::{app_code, TestApp, PASSWORD};
use http::StatusCode;

use app::backend::unix_now;

const OWNER: &str = "owner@example.org";

/// Finding 1: a flood of sign-ups from one address, each with a password that is costly to
/// judge, filled the password-hashing queue, and the owner's login was answered 503. Now the
/// sign-up limit is counted before any costly work, sign-ups get a bounded share of the hashing
/// threads, and the owner's login goes through. On a server process of its own: the hashing
/// threads are the process's, and the flood must not take them from the other tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_sign_ups_from_one_address_does_not_refuse_the_owners_login() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client_at = |last: u8| {
        reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 3, last])).build().unwrap()
    };
    let (owner, attacker) = (client_at(1), client_at(2));
    let mut server = start(&database_url, dir.path(), "warn");
    wait_until_up(&owner, &mut server).await;
    call(&owner, &server, "signup", &[("email", OWNER), ("password", PASSWORD)], None)
        .await
        .expect_status(StatusCode::OK);

    // Long, varied and full of look-alike characters: the strength check's costliest kind.
    let costly = "p@55w0rd|1!$7+4#8(3<{[".repeat(5);
    let server = std::sync::Arc::new(server);
    let flood: Vec<_> = (0..280)
        .map(|i| {
            let (attacker, server, costly) = (attacker.clone(), server.clone(), costly.clone());
            tokio::spawn(async move {
                let email = format!("flood-{i}@example.org");
                call(&attacker, &server, "signup", &[("email", &email), ("password", &costly)], None).await
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let login = call(&owner, &server, "login", &[("email", OWNER), ("password", PASSWORD)], None).await;
    login.expect_status_for(StatusCode::OK, "the owner's login during the flood");
    let mut limited = 0;
    for reply in flood {
        let reply = reply.await.unwrap();
        // Refused by the limit (429), turned away as busy (503, with a retry time), or served:
        // never an internal error.
        assert!(reply.status != StatusCode::INTERNAL_SERVER_ERROR, "{}", reply.json);
        limited += usize::from(reply.status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(limited >= 250, "the address's limit refused only {limited} of 280 before any costly work");
}

/// Finding 3: "Set up another smartphone" handed out the active key with no mail and no other
/// session ended. Now it is mailed, recorded, and every other session ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_for_another_phone_ends_other_sessions_and_is_mailed() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(OWNER).await;
    let half =
        app.call("login", &[("email", OWNER), ("password", PASSWORD)], None).await.session_cookie().unwrap();
    let other = app.call("login/code", &[("code", &app_code(&enrolled.key, unix_now()))], Some(&half)).await;
    other.expect_status(StatusCode::OK);
    let other = other.session_cookie().unwrap();
    let mails_before = mails_to(&app, OWNER).await;

    let shown = app
        .call(
            "two-factor/another-phone",
            &[("password", PASSWORD), ("code", &app_code(&enrolled.key, unix_now() + 30))],
            Some(&enrolled.cookie),
        )
        .await;
    shown.expect_status(StatusCode::OK);
    app.call("account", &[], Some(&other))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "the other session");
    app.call("account", &[], Some(&enrolled.cookie))
        .await
        .expect_status_for(StatusCode::OK, "the owner's own");
    assert_eq!(mails_to(&app, OWNER).await, mails_before + 1, "the holder is told by mail");
}

/// Finding 7: a reset link outlived a password change and "Log out other sessions". Now any
/// change to how the account logs in ends every outstanding reset link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_ends_the_outstanding_reset_links() {
    let app = TestApp::new().await;
    let cookie = app.sign_up(OWNER).await;
    confirm_address(&app).await;
    app.call("password/forgot", &[("email", OWNER)], None).await.expect_status(StatusCode::OK);
    assert_eq!(live_reset_links(&app).await, 1);
    let changed = app
        .call(
            "password/change",
            &[("current_password", PASSWORD), ("password", "an entirely new passphrase 42")],
            Some(&cookie),
        )
        .await;
    changed.expect_status(StatusCode::OK);
    assert_eq!(live_reset_links(&app).await, 0, "the link mailed before the change is dead");
    let cookie = changed.session_cookie().unwrap_or(cookie);
    app.call("password/forgot", &[("email", OWNER)], None).await.expect_status(StatusCode::OK);
    assert_eq!(live_reset_links(&app).await, 1);
    app.call("sessions/end-others", &[], Some(&cookie)).await.expect_status(StatusCode::OK);
    assert_eq!(live_reset_links(&app).await, 0, "and so does logging out the other sessions");
}

async fn mails_to(app: &TestApp, recipient: &str) -> i64 {
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1")
        .bind(recipient)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    queued
}

async fn live_reset_links(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_links WHERE purpose = 'reset_password' AND expires_at > $1",
    )
    .bind(unix_now())
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn confirm_address(app: &TestApp) {
    sqlx::query("UPDATE users SET email_confirmed_at = $1")
        .bind(unix_now())
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// Finding 2: every change to how the account logs in revoked the owner's own device cookie and
/// issued none, so a stranger's wrong passwords then refused the owner's browser; a stranger's
/// "Forgot password?" requests used up the owner's too. Now the browser that made the change gets
/// its device cookie anew, and a trusted browser's reset requests are counted on their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_the_owner_out_after_the_owners_own_change() {
    const OWNER_IP: &str = "198.51.100.7";
    let app = TestApp::new().await;
    let signup = app.call_from(OWNER_IP, "signup", &[("email", OWNER), ("password", PASSWORD)], None).await;
    let device = signup.cookie("device").unwrap();
    let session = signup.session_cookie().unwrap();
    confirm_address(&app).await;
    let changed =
        app.call_from(OWNER_IP, "sessions/end-others", &[], Some(&format!("{session}; {device}"))).await;
    changed.expect_status(StatusCode::OK);
    let device = changed.cookie("device").unwrap_or(device);
    app.call_from(OWNER_IP, "logout", &[], Some(&session)).await;

    for i in 0..12 {
        let ip = format!("203.0.113.{i}");
        app.call_from(&ip, "login", &[("email", OWNER), ("password", "wrong password, wrong")], None).await;
        app.call_from(&ip, "password/forgot", &[("email", OWNER)], None).await;
    }
    let untrusted = app.call_from(OWNER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], None).await;
    untrusted.expect_status_for(StatusCode::TOO_MANY_REQUESTS, "the stranger did lock untrusted clients out");
    app.call_from(OWNER_IP, "password/forgot", &[("email", OWNER)], Some(&device))
        .await
        .expect_status_for(StatusCode::OK, "the owner's way back by mail");
    app.call_from(OWNER_IP, "login", &[("email", OWNER), ("password", PASSWORD)], Some(&device))
        .await
        .expect_status_for(StatusCode::OK, "the owner's browser");
}

/// Finding 4: closing the account sent no mail and deleted the mails still queued, the "new
/// browser" warning of the thief's login a moment before included. Now the holder is told, the
/// warnings still go out, and once they have, nothing of the address is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_account_is_mailed_and_the_warnings_before_it_still_go_out() {
    let app = TestApp::new().await;
    app.sign_up(OWNER).await;
    let thief = app.call("login", &[("email", OWNER), ("password", PASSWORD)], None).await;
    thief.expect_status(StatusCode::OK);
    let queued = mails_to(&app, OWNER).await;
    app.call("account/close", &[("password", PASSWORD)], Some(&thief.session_cookie().unwrap()))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(mails_to(&app, OWNER).await, queued + 1, "the warnings and the closing mail wait to go out");

    let mailer = server::mail::Mailer::from_config(&app.config).unwrap();
    server::mail::deliver_due(&app.state, &mailer, unix_now() + 3600).await.unwrap();
    let mut subjects = Vec::new();
    for file in std::fs::read_dir(app.config.outbox_dir.as_path()).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        subjects.extend(text.lines().filter_map(|l| l.strip_prefix("Subject: ")).map(str::to_owned));
    }
    assert!(subjects.iter().any(|s| s.contains("New login")), "{subjects:?}");
    assert!(subjects.iter().any(|s| s.contains("was closed")), "{subjects:?}");
    let contents = app.database_contents().await;
    assert!(!common::contains(&contents, OWNER.as_bytes()), "the address is left in the database");
}

/// Finding 10: on SQLite the next sign-up gets a closed newest account's id, and the closed
/// account's device cookie then passed for a browser the new account knew: its login from that
/// browser sent no "new browser" mail. Now nothing issued to a closed account counts for a later
/// one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_accounts_device_cookie_does_not_hide_a_new_browser_from_the_next_account() {
    let app = TestApp::new().await;
    let closed = app.call("signup", &[("email", "closed@example.org"), ("password", PASSWORD)], None).await;
    let device = closed.cookie("device").unwrap();
    let session = closed.session_cookie().unwrap();
    app.call("account/close", &[("password", PASSWORD)], Some(&session)).await.expect_status(StatusCode::OK);
    // A second later, a new account; on SQLite it has the closed one's id.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.sign_up(OWNER).await;
    let queued = mails_to(&app, OWNER).await;
    app.call("login", &[("email", OWNER), ("password", PASSWORD)], Some(&device))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(mails_to(&app, OWNER).await, queued + 1, "the new browser is mailed to the holder");
}

/// Finding 9: `/metrics` (login outcomes, code checks, live sessions, as they happen) was public
/// on the WebApp's own port by default. Now it is served on a loopback management address by
/// default, and on the main port only when configured so (`--metrics-addr main`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_are_not_public_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start(&database_url, dir.path(), "warn");
    wait_until_up(&client, &mut server).await;
    let site = server.base.trim_end_matches("/api").to_owned();
    let public = client.get(format!("{site}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND, "metrics on the WebApp's own port");
    drop(server);

    let mut server =
        common::process::start_with(&database_url, dir.path(), "warn", &[("WEBAPP_METRICS_ADDR", "main")]);
    wait_until_up(&client, &mut server).await;
    let site = server.base.trim_end_matches("/api").to_owned();
    let asked = client.get(format!("{site}/metrics")).send().await.unwrap();
    assert_eq!(asked.status(), StatusCode::OK, "beside the WebApp when configured so");
}

/// Finding 8: the `.eml` outbox (the embedded default) wrote live reset links to files every
/// local user could read (0644 in a 0755 folder) and kept them for good. Now the folder and its
/// files, those of an earlier version too, are the server's alone, and a link's mail file goes
/// once the link is used, expired, or its account closed.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_folder_is_private_and_link_mails_leave_it_with_their_links() {
    use app::backend::store::email_links::RESET_LINK_SECS;
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::new().await;
    let dir = app.config.outbox_dir.clone();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    // As an earlier version left it: open to every local user.
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old_mail = dir.join("old.eml");
    std::fs::write(&old_mail, "To: someone@example.org\r\n\r\nhttps://webapp.example/reset-password?token=x")
        .unwrap();
    std::fs::set_permissions(&old_mail, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mailer = server::mail::Mailer::from_config(&app.config).unwrap();
    assert_eq!(mode(&dir), 0o700, "the outbox folder");
    assert_eq!(mode(&old_mail), 0o600, "a mail file of an earlier version");
    std::fs::remove_file(&old_mail).unwrap();

    let files = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&dir).unwrap().map(|f| f.unwrap().path()).collect()
    };
    let with_token = |files: &[std::path::PathBuf]| {
        files.iter().filter(|f| std::fs::read_to_string(f).unwrap().contains("token=")).count()
    };
    app.sign_up(OWNER).await;
    let token = mailed_reset_link(&app).await;
    assert_eq!(with_token(&files()), 2, "the confirmation and the reset link");
    for file in files() {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }

    // The reset link is used: its mail leaves, and the confirmation's (the reset confirmed the
    // address).
    let reset = [("token", token.as_str()), ("password", "the owner's brand new passphrase")];
    app.call("password/reset", &reset, None).await.expect_status(StatusCode::OK);
    mailer.sweep_link_mails(&app.state, unix_now()).await.unwrap();
    assert_eq!(with_token(&files()), 0, "the used link's mail, and the one it made pointless");

    // A link expires: its mail leaves.
    app.call("password/forgot", &[("email", OWNER)], None).await.expect_status(StatusCode::OK);
    server::mail::deliver_due(&app.state, &mailer, unix_now()).await.unwrap();
    assert_eq!(with_token(&files()), 1, "a new reset link");
    mailer.sweep_link_mails(&app.state, unix_now() + RESET_LINK_SECS + 1).await.unwrap();
    assert_eq!(with_token(&files()), 0, "an expired link's mail");

    // An account closes: its live links die, and their mails leave the folder.
    let cookie = app.sign_up("neighbour@example.org").await;
    server::mail::deliver_due(&app.state, &mailer, unix_now()).await.unwrap();
    assert_eq!(with_token(&files()), 1, "the neighbour's confirmation link");
    app.call("account/close", &[("password", PASSWORD)], Some(&cookie)).await.expect_status(StatusCode::OK);
    mailer.sweep_link_mails(&app.state, unix_now()).await.unwrap();
    assert_eq!(with_token(&files()), 0, "link mails outlived their links");
}

/// Finding 5: a link to the real login page with a crafted `__err` showed any sentence the link's
/// author chose ("Your account is suspended. Call …"), and `?account-closed` and the like showed
/// their notices. Now a page shows only an error or notice that this server left for this browser
/// (in a cookie set with the form's answer), in its own words, and nothing a link carries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_cannot_put_its_own_words_on_the_login_page() {
    let app = TestApp::new().await;
    let sentence = "Your account is suspended. Call +31 20 123 4567 now";
    let encode = |text: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE.encode(text)
    };
    let crafted = [
        // As the server writes it: base64 of the error's JSON, with the link's sentence as detail.
        encode(&serde_json::json!({ "error": "bad_request", "detail": sentence }).to_string()),
        // JSON that is no error at all: its decoding failure carried the text along.
        encode(sentence),
    ];
    for err in crafted {
        let path = format!("/?__path=/api/login&__err={}", common::urlencode(&err));
        let page = app.get_page(&path, None).await;
        page.expect_status(StatusCode::OK);
        assert!(!page.body.contains("suspended"), "{err}: {}", page.body);
    }
    // Not even an error or notice of the server's own words, when a link asks for it.
    let wrong_password = encode(&serde_json::json!({ "error": "invalid_credentials" }).to_string());
    let page = app.get_page(&format!("/?__path=/api/login&__err={wrong_password}"), None).await;
    assert!(!page.body.contains(r#"role="alert""#), "{}", page.body);
    for notice in ["account-closed", "password-reset"] {
        let page = app.get_page(&format!("/?{notice}"), None).await;
        assert!(!page.body.contains(r#"class="notice""#), "{notice}: {}", page.body);
    }
}

/// Issue 24, info: with `--secure-cookies` and no `--public-url`, the server started and mailed
/// links to `http://<listen address>`. Now it refuses to start, and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_the_server_refuses_to_start_without_its_public_url() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let mut server =
        common::process::start_with(&database_url, dir.path(), "warn", &[("WEBAPP_SECURE_COOKIES", "true")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "the server started without a public URL");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(!status.success());
    let log = std::fs::read_to_string(&server.log_path).unwrap();
    assert!(log.contains("--public-url"), "{log}");
}

/// Finding 12: "Forgot password?" answered 1-4 ms later for a confirmed account than for an
/// unknown address (which makes and queues no mail), enough to tell them apart. Now every
/// request answers after the same fixed time, longer than the work for either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_a_reset_takes_the_same_time_for_every_address() {
    use app::backend::account::password_reset::ANSWER_AFTER;
    let app = TestApp::new().await;
    app.sign_up(OWNER).await;
    confirm_address(&app).await;
    for (i, email) in [OWNER, "nobody@example.org", OWNER, "nobody-else@example.org"].into_iter().enumerate()
    {
        let started = std::time::Instant::now();
        let ip = format!("198.51.100.{}", i + 1);
        app.call_from(&ip, "password/forgot", &[("email", email)], None).await.expect_status(StatusCode::OK);
        let took = started.elapsed();
        assert!(took >= ANSWER_AFTER, "{email}: answered after {took:?}, before the fixed {ANSWER_AFTER:?}");
    }
}

/// Asks for a reset link for `OWNER` as anyone can, and answers the token of the link mailed.
async fn mailed_reset_link(app: &TestApp) -> String {
    app.call("password/forgot", &[("email", OWNER)], None).await.expect_status(StatusCode::OK);
    let mailer = server::mail::Mailer::from_config(&app.config).unwrap();
    server::mail::deliver_due(&app.state, &mailer, unix_now()).await.unwrap();
    let texts = std::fs::read_dir(&app.config.outbox_dir).unwrap().map(|file| {
        let raw = std::fs::read(file.unwrap().path()).unwrap();
        let mail = mailparse::parse_mail(&raw).unwrap();
        let parts = if mail.subparts.is_empty() { vec![&mail] } else { mail.subparts.iter().collect() };
        parts.iter().map(|part| part.get_body().unwrap()).collect::<String>()
    });
    texts
        .filter_map(|text| {
            let start = text.find("reset-password?token=")? + "reset-password?token=".len();
            Some(text[start..start + 43].to_owned())
        })
        .next()
        .expect("the address's owner gets a reset link")
}

/// Finding 6 (in part): a sign-up with someone else's address, never confirmed, kept the
/// address's owner out: no sign-up (409), and no reset link. Now the owner's "Forgot password?"
/// mails the link to the address, and using it (which proves control of the address) confirms
/// the address and ends the squatter's sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_of_an_address_takes_it_back_from_an_account_that_never_proved_it() {
    let app = TestApp::new().await;
    let squatter = app.sign_up(OWNER).await;
    app.call("signup", &[("email", OWNER), ("password", PASSWORD)], None)
        .await
        .expect_status_for(StatusCode::CONFLICT, "the address is taken");

    let token = mailed_reset_link(&app).await;
    let check = app.call("password/reset/check", &[("token", &token)], None).await;
    check.expect_status(StatusCode::OK);
    assert_eq!(check.json()["two_factor"], false);
    let new_password = "the rightful owner's passphrase";
    app.call("password/reset", &[("token", &token), ("password", new_password)], None)
        .await
        .expect_status(StatusCode::OK);

    app.call("account", &[], Some(&squatter))
        .await
        .expect_status_for(StatusCode::UNAUTHORIZED, "the squatter");
    let login = app.call("login", &[("email", OWNER), ("password", new_password)], None).await;
    login.expect_status(StatusCode::OK);
    assert_eq!(login.json()["level"], "fully_authenticated", "{}", login.body);
    assert_eq!(login.json()["email_confirmed"], true, "the link proved the address: {}", login.body);
}

/// Finding 6, the rest: an account that never confirmed its address could turn 2FA on, and the
/// address's owner then met the squatter's second factor at the reset. Now a second factor needs
/// a confirmed address, and the owner's reset asks for none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_that_never_proved_its_address_cannot_lock_it_behind_a_second_factor() {
    let app = TestApp::new().await;
    let squatter = app.sign_up(OWNER).await;
    let begun = app.call("two-factor/begin", &[("password", PASSWORD)], Some(&squatter)).await;
    if begun.status == StatusCode::OK {
        let key = begun.json()["key"].as_str().unwrap().replace(' ', "");
        app.call("two-factor/confirm", &[("code", &app_code(&key, unix_now()))], Some(&squatter)).await;
    }
    let token = mailed_reset_link(&app).await;
    let check = app.call("password/reset/check", &[("token", &token)], None).await;
    assert_eq!(check.json()["two_factor"], false, "the owner's reset asks for no squatter's factor");
    begun.expect_status_for(StatusCode::FORBIDDEN, "turning 2FA on before confirming the address");
    assert_eq!(begun.json()["error"], "email_not_confirmed", "{}", begun.body);
}

/// From a review of finding 4: a closed account's mails that can never be delivered kept its
/// address in the queue for good. Now the cleanup drops them after three days; an account's
/// own mails stay however long they wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_accounts_undeliverable_mails_leave_the_queue_after_three_days() {
    use app::backend::upkeep::cleanup::{self, CLOSED_MAIL_SECS};
    let app = TestApp::new().await;
    app.sign_up("neighbour@example.org").await;
    let cookie = app.sign_up(OWNER).await;
    app.call("account/close", &[("password", PASSWORD)], Some(&cookie)).await.expect_status(StatusCode::OK);
    assert!(mails_to(&app, OWNER).await > 0);
    cleanup::delete_expired(&app.state.db, unix_now() + CLOSED_MAIL_SECS + 60).await.unwrap();
    assert_eq!(mails_to(&app, OWNER).await, 0, "the closed account's address left the queue");
    assert_eq!(mails_to(&app, "neighbour@example.org").await, 1, "an account's own mail stays");
    let contents = app.database_contents().await;
    assert!(!common::contains(&contents, OWNER.as_bytes()), "the address is left in the database");
}
