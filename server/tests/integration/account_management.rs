//! Account management: the list of active sessions and ending them, remembered browsers, a new
//! password, and closing the account, each with the second factor where 2FA is on.

use http::{header, StatusCode};

use crate::common;
use app::backend::unix_now;
use common::{app_code, server_fn_request, Reply, TestApp, PASSWORD};

const EMAIL: &str = "holder@example.com";
const CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
const NEW_PASSWORD: &str = "a new and rather long passphrase";

/// A call from a browser that says it is `user_agent`, with `cookies` ("a=1; b=2").
async fn call_as(
    app: &TestApp,
    user_agent: &str,
    endpoint: &str,
    form: &[(&str, &str)],
    cookies: Option<&str>,
) -> Reply {
    let mut request = server_fn_request(endpoint, form, cookies);
    request.headers_mut().insert(header::USER_AGENT, user_agent.parse().unwrap());
    Reply::read(app.send(request).await).await
}

async fn log_in_as(app: &TestApp, user_agent: &str, password: &str, cookies: Option<&str>) -> Reply {
    call_as(app, user_agent, "login", &[("email", EMAIL), ("password", password)], cookies).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_session_is_listed_with_its_browser_and_one_ends_another_on_its_next_request() {
    let app = TestApp::new().await;
    let signup = call_as(&app, CHROME, "signup", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    let chrome = signup.session_cookie().unwrap();
    let firefox = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();

    let listed = app.call("sessions", &[], Some(&chrome)).await.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let current = listed.iter().find(|s| s["current"] == true).unwrap();
    let other = listed.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(current["browser"], "Chrome 120 on Linux");
    assert_eq!(other["browser"], "Firefox 121 on Windows 10");
    assert!(other["started_at"].as_i64().unwrap() > 0 && other["last_seen_at"].as_i64().unwrap() > 0);
    assert!(other.get("ip").is_some());

    app.call("account", &[], Some(&firefox)).await.expect_status(StatusCode::OK);
    let id = other["id"].as_str().unwrap();
    let ended = app.call("sessions/end", &[("id", id)], Some(&chrome)).await;
    ended.expect_status(StatusCode::OK);
    let refused = app.call("account", &[], Some(&firefox)).await;
    refused.expect_status_for(StatusCode::UNAUTHORIZED, "ended on its very next request");
    let again = app.call("sessions/end", &[("id", id)], Some(&chrome)).await;
    assert_eq!((again.status, again.json()["error"].clone()), (StatusCode::NOT_FOUND, "not_found".into()));
    let events = app.call("security/events", &[], Some(&chrome)).await.json();
    assert_eq!(events[0]["kind"], "session_ended");

    // Another account's session cannot be ended by its id.
    let stranger = app.sign_up("stranger@example.com").await;
    let chromes_id = current["id"].as_str().unwrap();
    let foreign = app.call("sessions/end", &[("id", chromes_id)], Some(&stranger)).await;
    foreign.expect_status(StatusCode::NOT_FOUND);
    app.call("account", &[], Some(&chrome)).await.expect_status(StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remembered_browser_skips_the_code_prompt_but_never_the_password_until_it_is_forgotten() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let half = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();
    let code = app_code(&enrolled.key, unix_now() + 30);
    let done =
        call_as(&app, FIREFOX, "login/code", &[("code", &code), ("remember", "on")], Some(&half)).await;
    done.expect_status(StatusCode::OK);
    let set = done
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let remember_header = set.iter().find(|c| c.starts_with("remember=")).expect("a remember cookie");
    assert!(remember_header.contains("HttpOnly") && remember_header.contains("SameSite=Strict"));
    assert!(remember_header.contains(&format!("Max-Age={}", 30 * 24 * 60 * 60)));
    let remember = done.cookie("remember").unwrap();
    let full = done.session_cookie().unwrap();
    // The token is kept only as its SHA-256.
    let token = remember.split_once('=').unwrap().1;
    assert!(!common::contains(&app.database_contents().await, token.as_bytes()));

    // The remembered browser: the password alone logs in fully.
    let skipped = log_in_as(&app, FIREFOX, PASSWORD, Some(&remember)).await;
    skipped.expect_status(StatusCode::OK);
    assert_eq!(skipped.json()["level"], "fully_authenticated");
    // Never the password.
    let wrong = log_in_as(&app, FIREFOX, "not the password at all", Some(&remember)).await;
    wrong.expect_status(StatusCode::UNAUTHORIZED);
    // Not for a change to 2FA itself: turning it off still takes a code.
    let remembered_session = skipped.session_cookie().unwrap();
    let off = app
        .call("two-factor/disable", &[("password", PASSWORD), ("code", "")], Some(&remembered_session))
        .await;
    off.expect_status(StatusCode::BAD_REQUEST);
    // Another browser still gets the code prompt.
    assert_eq!(log_in_as(&app, CHROME, PASSWORD, None).await.json()["level"], "password_verified");

    let listed = app.call("remembered", &[], Some(&full)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["browser"], "Firefox 121 on Windows 10");
    let forget =
        app.call("remembered/forget", &[("id", listed[0]["id"].as_str().unwrap())], Some(&full)).await;
    forget.expect_status(StatusCode::OK);
    let asked = log_in_as(&app, FIREFOX, PASSWORD, Some(&remember)).await;
    assert_eq!(asked.json()["level"], "password_verified", "forgotten: the code prompt again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remembering_is_off_by_default_and_log_out_other_sessions_forgets_every_browser() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let half = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();
    let plain =
        app.call("login/code", &[("code", &app_code(&enrolled.key, unix_now() + 30))], Some(&half)).await;
    plain.expect_status(StatusCode::OK);
    assert_eq!(plain.cookie("remember"), None, "not remembered unless asked");

    let half = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();
    let backup = [("code", enrolled.backup_codes[0].as_str()), ("remember", "on")];
    let remembered = app.call("login/backup-code", &backup, Some(&half)).await;
    remembered.expect_status(StatusCode::OK);
    let remember = remembered.cookie("remember").unwrap();
    let other = remembered.session_cookie().unwrap();

    let ended = app.call("sessions/end-others", &[], Some(&enrolled.cookie)).await;
    ended.expect_status(StatusCode::OK);
    assert_eq!(ended.json(), 2, "the two other sessions");
    app.call("account", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    app.call("account", &[], Some(&enrolled.cookie))
        .await
        .expect_status_for(StatusCode::OK, "this one stays");
    assert_eq!(app.call("remembered", &[], Some(&enrolled.cookie)).await.json(), serde_json::json!([]));
    assert_eq!(
        log_in_as(&app, FIREFOX, PASSWORD, Some(&remember)).await.json()["level"],
        "password_verified"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_takes_the_current_one_and_a_code_and_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let other = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();
    let form = |current: &'static str, new: &'static str, code: Option<String>| {
        let mut form = vec![("current_password", current.to_owned()), ("password", new.to_owned())];
        form.extend(code.map(|c| ("code", c)));
        form
    };
    let change = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = enrolled.cookie.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("password/change", &form, Some(&cookie)).await
        }
    };
    let weak = change(form(PASSWORD, "password1234", Some(enrolled.backup_codes[0].clone()))).await;
    weak.expect_status(StatusCode::BAD_REQUEST);
    let wrong =
        change(form("not the password at all", NEW_PASSWORD, Some(enrolled.backup_codes[0].clone()))).await;
    assert_eq!(wrong.json()["error"], "wrong_password");
    let no_code = change(form(PASSWORD, NEW_PASSWORD, None)).await;
    assert_eq!(no_code.json()["error"], "code_missing");
    let done = change(form(PASSWORD, NEW_PASSWORD, Some(enrolled.backup_codes[0].clone()))).await;
    done.expect_status(StatusCode::OK);

    app.call("account", &[], Some(&other)).await.expect_status(StatusCode::UNAUTHORIZED);
    app.call("account", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::OK);
    log_in_as(&app, CHROME, PASSWORD, None).await.expect_status(StatusCode::UNAUTHORIZED);
    log_in_as(&app, CHROME, NEW_PASSWORD, None).await.expect_status(StatusCode::OK);
    let events = app.call("security/events", &[], Some(&enrolled.cookie)).await.json();
    assert!(events.as_array().unwrap().iter().any(|e| e["kind"] == "password_changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_account_deletes_every_row_and_leaves_neither_email_nor_id_in_the_database() {
    let app = TestApp::new().await;
    let enrolled = app.enroll(EMAIL).await;
    let neighbour = app.enroll("neighbour@example.com").await;
    // History, counters, a remembered browser, mails waiting.
    let half = log_in_as(&app, FIREFOX, PASSWORD, None).await.session_cookie().unwrap();
    let remember = [("code", enrolled.backup_codes[0].as_str()), ("remember", "on")];
    app.call("login/backup-code", &remember, Some(&half)).await.expect_status(StatusCode::OK);
    log_in_as(&app, CHROME, "not the password at all", None).await.expect_status(StatusCode::UNAUTHORIZED);

    let without_code = app.call("account/close", &[("password", PASSWORD)], Some(&enrolled.cookie)).await;
    assert_eq!(without_code.json()["error"], "code_missing");
    let form = [("password", PASSWORD), ("code", enrolled.backup_codes[1].as_str())];
    let closed = app.call("account/close", &form, Some(&enrolled.cookie)).await;
    closed.expect_status(StatusCode::OK);
    let closed = closed.json();
    assert_eq!(closed["email"], EMAIL);
    assert_eq!(closed["sessions"], 2);
    assert_eq!(closed["two_factor_secrets"], 1);
    assert_eq!(closed["backup_codes"], 10);
    assert_eq!(closed["remembered_browsers"], 1);
    assert!(closed["security_events"].as_u64().unwrap() >= 4, "{closed}");
    assert!(closed["mails_waiting"].as_u64().unwrap() >= 3, "{closed}");
    assert!(closed["attempt_counters"].as_u64().unwrap() >= 1, "{closed}");

    app.call("account", &[], Some(&enrolled.cookie)).await.expect_status(StatusCode::UNAUTHORIZED);
    // The mails still waiting (the warnings, and the one that says the account is closed) go
    // out first: until then the queue holds the address, and no longer.
    let mailer = server::mail::Mailer::from_config(&app.config).unwrap();
    server::mail::deliver_due(&app.state, &mailer, unix_now() + 3600).await.unwrap();
    let contents = app.database_contents().await;
    assert!(!common::contains(&contents, EMAIL.as_bytes()), "the email is still in the database");
    let id = enrolled.user_id.0;
    for table in [
        "sessions",
        "totp_credentials",
        "totp_pending",
        "backup_codes",
        "backup_code_downloads",
        "remembered_browsers",
        "email_links",
        "security_events",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1");
        let left: i64 = sqlx::query_scalar(&sql).bind(id).fetch_one(&app.state.db).await.unwrap();
        assert_eq!(left, 0, "{table}");
    }
    let counters: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempt_limits WHERE scope LIKE $1")
        .bind(format!("%:{id}"))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(counters, 0);
    // Gone: the password logs in no more (a login attempt for an unknown address is counted
    // under that address, which is why the scan above comes first).
    log_in_as(&app, CHROME, PASSWORD, None).await.expect_status(StatusCode::UNAUTHORIZED);
    // The neighbour is untouched.
    app.call("account", &[], Some(&neighbour.cookie)).await.expect_status(StatusCode::OK);
    let events = app.call("security/events", &[], Some(&neighbour.cookie)).await.json();
    assert!(!events.as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_one_instance_is_refused_on_the_other_at_once() {
    use common::process::{call, start, wait_until_up};
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut a = start(&database_url, dir.path(), "warn");
    wait_until_up(&client, &mut a).await;
    let mut b = start(&database_url, dir.path(), "warn");
    wait_until_up(&client, &mut b).await;
    let signup = call(&client, &a, "signup", &[("email", EMAIL), ("password", PASSWORD)], None).await;
    let on_a = signup.cookie.unwrap();
    let on_b =
        call(&client, &b, "login", &[("email", EMAIL), ("password", PASSWORD)], None).await.cookie.unwrap();
    call(&client, &b, "account", &[], Some(&on_b)).await.expect_status(StatusCode::OK);
    let listed = call(&client, &a, "sessions", &[], Some(&on_a)).await.json;
    let other = listed.as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(&client, &a, "sessions/end", &[("id", &other)], Some(&on_a)).await.expect_status(StatusCode::OK);
    call(&client, &b, "account", &[], Some(&on_b)).await.expect_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_accounts_device_cookie_is_no_trusted_browser_of_the_account_that_reuses_its_id() {
    use app::backend::crypto::devices;
    let app = TestApp::new().await;
    // The newest account, whose id SQLite gives out again once it is deleted.
    let signup = app.call("signup", &[("email", "leaver@example.com"), ("password", PASSWORD)], None).await;
    let leaver = signup.session_cookie().unwrap();
    let device = signup.cookie("device").unwrap();
    let leaver_id = app.session_of(&leaver).await.user_id;
    app.call("account/close", &[("password", PASSWORD)], Some(&leaver)).await.expect_status(StatusCode::OK);

    let victim = app.sign_up("victim@example.com").await;
    let victim = app.session_of(&victim).await;
    let key = &app.state.settings.data_key;
    let cookie = devices::verify(key, device.split_once('=').unwrap().1).expect("the signature still holds");
    if victim.user_id == leaver_id {
        assert!(
            !cookie.trusted_for(victim.user_id.0, victim.epoch.0, unix_now()),
            "the leaver's browser passes for a trusted browser of the victim"
        );
    } else {
        // PostgreSQL never gives an id out twice.
        assert!(common::is_postgres(&app.config));
    }
}
