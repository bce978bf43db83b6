//! The admin pages and `/api/admin/*` (issue 27, points 1-3 and 5): only an administrator with
//! 2FA on and a second factor proved in the last 10 minutes gets in; what they do is recorded,
//! shown to both and mailed; nothing edits the record.

use axum::body::Body;
use http::{header, Request, StatusCode};
use server::config::AdminCommand;

use crate::common::{app_code, server_fn_request, Enrolled, Reply, TestApp, PASSWORD};

/// Every admin server function, as the router has them: a new one is tried here without a line
/// more, and this list says which exist.
fn admin_endpoints() -> Vec<String> {
    let mut all: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path.starts_with("/api/admin/"))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Fields any admin function could take, for an account that exists.
fn fields(account: &str) -> Vec<(&'static str, String)> {
    vec![
        ("account", account.to_owned()),
        ("reason", "Lost phone; checked by a video call".to_owned()),
        ("hours", "2".to_owned()),
        ("code", "123456".to_owned()),
        ("search", "example".to_owned()),
        ("page", "1".to_owned()),
    ]
}

async fn call_with(app: &TestApp, endpoint: &str, form: &[(&'static str, String)], cookie: &str) -> Reply {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.call(endpoint, &form, Some(cookie)).await
}

async fn grant(app: &TestApp, email: &str) {
    let command = AdminCommand::Grant { email: email.into() };
    server::admin::run(&app.state, command, app::backend::unix_now()).await.unwrap();
}

/// An administrator with 2FA on, logged in again with a code from the app: a fresh factor.
async fn fresh_administrator(app: &TestApp, email: &str) -> (Enrolled, String) {
    let enrolled = app.enroll(email).await;
    grant(app, email).await;
    let cookie = log_in_with_code(app, email, &enrolled.key, 0).await;
    (enrolled, cookie)
}

/// Logs in with the password and the app's code of the time step `steps_ahead` from now (each
/// step's code is accepted once).
async fn log_in_with_code(app: &TestApp, email: &str, key: &str, steps_ahead: i64) -> String {
    let half = app.call("login", &[("email", email), ("password", PASSWORD)], None).await;
    let half = half.session_cookie().unwrap();
    let code = app_code(key, app::backend::unix_now() + 30 * steps_ahead);
    let full = app.call("login/code", &[("code", &code)], Some(&half)).await;
    full.expect_status(StatusCode::OK);
    full.session_cookie().unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

fn expect_error(reply: &Reply, status: StatusCode, error: &str, context: &str) {
    reply.expect_status_for(status, context);
    assert_eq!(reply.json()["error"], error, "{context}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_function_refuses_all_but_an_administrator_with_a_fresh_second_factor() {
    let app = TestApp::new().await;
    let expected = [
        "/api/admin/access-code",
        "/api/admin/account",
        "/api/admin/accounts",
        "/api/admin/confirm",
        "/api/admin/end-sessions",
        "/api/admin/require-setup",
    ];
    assert_eq!(admin_endpoints(), expected);
    let person = app.enroll("person@example.org").await;
    let account = user_id(&app, "person@example.org").await.to_string();
    let form = fields(&account);

    // A person with 2FA and a fresh code, who is no administrator.
    let fresh_person = log_in_with_code(&app, "person@example.org", &person.key, 0).await;
    // An administrator without 2FA.
    let no_two_factor = app.sign_up_confirmed("plain@example.org").await;
    grant(&app, "plain@example.org").await;
    // An administrator with 2FA whose session never proved a factor (it is the sign-up's).
    let stale_admin = app.enroll("stale@example.org").await.cookie;
    grant(&app, "stale@example.org").await;
    for path in admin_endpoints() {
        let endpoint = path.trim_start_matches("/api/");
        let refused = call_with(&app, endpoint, &form, &fresh_person).await;
        expect_error(&refused, StatusCode::FORBIDDEN, "administrators_only", &path);
        let refused = call_with(&app, endpoint, &form, &no_two_factor).await;
        expect_error(&refused, StatusCode::FORBIDDEN, "administrator_without_two_factor", &path);
        if endpoint != "admin/confirm" {
            let refused = call_with(&app, endpoint, &form, &stale_admin).await;
            expect_error(&refused, StatusCode::FORBIDDEN, "fresh_second_factor_required", &path);
        }
    }
    // Nothing was given or done to the person.
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM admin_actions").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(recorded, 0);
    let codes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_codes").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(codes, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_factor_is_fresh_for_ten_minutes_and_confirming_it_counts_as_a_guess() {
    let app = TestApp::new().await;
    let admin = app.enroll("admin@example.org").await;
    grant(&app, "admin@example.org").await;
    let cookie = admin.cookie.clone();
    let list = app.call("admin/accounts", &[], Some(&cookie)).await;
    expect_error(&list, StatusCode::FORBIDDEN, "fresh_second_factor_required", "before confirming");

    let wrong = app.call("admin/confirm", &[("code", "000000")], Some(&cookie)).await;
    assert!(wrong.status == StatusCode::UNAUTHORIZED, "{}", wrong.body);
    let wrong_events = app.call("security/events", &[], Some(&cookie)).await.json();
    assert_eq!(wrong_events[0]["kind"], "wrong_code");
    let code = app_code(&admin.key, app::backend::unix_now());
    app.call("admin/confirm", &[("code", &code)], Some(&cookie)).await.expect_status(StatusCode::OK);
    // Accepted once: the same code again is refused.
    let again = app.call("admin/confirm", &[("code", &code)], Some(&cookie)).await;
    assert!(again.status.is_client_error(), "{}", again.body);
    app.call("admin/accounts", &[], Some(&cookie)).await.expect_status(StatusCode::OK);

    // Ten minutes later (the clock moved back on the session's record), it is stale again.
    sqlx::query("UPDATE sessions SET factor_checked_at = factor_checked_at - 600")
        .execute(&app.state.db)
        .await
        .unwrap();
    let stale = app.call("admin/accounts", &[], Some(&cookie)).await;
    expect_error(&stale, StatusCode::FORBIDDEN, "fresh_second_factor_required", "after 10 minutes");
    // A backup code proves it too.
    let backup = &admin.backup_codes[0];
    app.call("admin/confirm", &[("code", backup)], Some(&cookie)).await.expect_status(StatusCode::OK);
    app.call("admin/accounts", &[], Some(&cookie)).await.expect_status(StatusCode::OK);

    // Revoked on the command line: refused at once, fresh factor or not.
    let revoke = AdminCommand::Revoke { email: "admin@example.org".into() };
    server::admin::run(&app.state, revoke, app::backend::unix_now()).await.unwrap();
    let revoked = app.call("admin/accounts", &[], Some(&cookie)).await;
    expect_error(&revoked, StatusCode::FORBIDDEN, "administrators_only", "after revoke");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_searches_by_email_pages_and_shows_who_has_no_two_factor() {
    let app = TestApp::new().await;
    let (_, admin) = fresh_administrator(&app, "admin@example.org").await;
    for n in 0..26 {
        app.sign_up(&format!("user{n:02}@example.org")).await;
    }
    app.sign_up("a_b@example.net").await;
    app.sign_up("axb@example.net").await;
    let first = app.call("admin/accounts", &[], Some(&admin)).await.json();
    assert_eq!(first["accounts"].as_array().unwrap().len(), 25);
    assert_eq!((first["page"].as_u64(), first["more"].as_bool()), (Some(1), Some(true)));
    let row = &first["accounts"][0];
    assert_eq!(row["email"], "a_b@example.net");
    assert_eq!((row["app"].as_bool(), row["email_confirmed"].as_bool()), (Some(false), Some(false)));
    assert_eq!(row["active_sessions"], 1);
    let second = app.call("admin/accounts", &[("page", "2")], Some(&admin)).await.json();
    assert_eq!(second["accounts"].as_array().unwrap().len(), 4);
    assert_eq!(second["more"], false);

    // The search is a part of the email, its `_` and `%` only themselves, any case.
    let found = app.call("admin/accounts", &[("search", "A_B@")], Some(&admin)).await.json();
    let emails: Vec<&str> =
        found["accounts"].as_array().unwrap().iter().map(|a| a["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["a_b@example.net"]);
    let none = app.call("admin/accounts", &[("search", "%")], Some(&admin)).await.json();
    assert_eq!(none["accounts"].as_array().unwrap().len(), 0);

    let admin_row = app.call("admin/accounts", &[("search", "admin@")], Some(&admin)).await.json();
    let admin_row = &admin_row["accounts"][0];
    assert_eq!((admin_row["app"].as_bool(), admin_row["administrator"].as_bool()), (Some(true), Some(true)));
    assert!(admin_row["last_login_at"].as_i64().is_some());
    let without = app
        .call("admin/accounts", &[("without_two_factor", "true"), ("page", "2")], Some(&admin))
        .await
        .json();
    assert_eq!(without["accounts"].as_array().unwrap().len(), 3, "28 without 2FA, the admin not among them");

    for (field, value) in [("page", "0"), ("page", "x"), ("search", &"a".repeat(300))] {
        let refused = app.call("admin/accounts", &[(field, value)], Some(&admin)).await;
        refused
            .expect_status_for(StatusCode::BAD_REQUEST, format!("{field}={}", &value[..value.len().min(5)]));
    }
    let missing = app.call("admin/account", &[("account", "999999")], Some(&admin)).await;
    expect_error(&missing, StatusCode::NOT_FOUND, "not_found", "an unknown account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_helps_after_a_lost_phone_and_both_see_it() {
    let app = TestApp::new().await;
    let (_, admin) = fresh_administrator(&app, "admin@example.org").await;
    let person = app.enroll("ann@example.org").await;
    let account = user_id(&app, "ann@example.org").await.to_string();

    for (hours, reason) in [("0", "lost"), ("25", "lost"), ("4", "  ")] {
        let refused = app
            .call(
                "admin/access-code",
                &[("account", &account), ("reason", reason), ("hours", hours)],
                Some(&admin),
            )
            .await;
        refused.expect_status_for(StatusCode::BAD_REQUEST, format!("hours {hours}"));
    }
    let form =
        [("account", account.as_str()), ("reason", "Lost phone; called her back on file"), ("hours", "2")];
    let given = app.call("admin/access-code", &form, Some(&admin)).await;
    given.expect_status(StatusCode::OK);
    assert_eq!(given.headers[header::CACHE_CONTROL], "no-store");
    let code = given.json()["code"].as_str().unwrap().to_owned();
    assert!(code.replace('-', "").len() >= 12, "{code}");
    // Kept hashed only.
    assert!(!crate::common::contains(&app.database_contents().await, code.as_bytes()));

    // The person logs in with the password and the code: nothing but the setup.
    let half = app.call("login", &[("email", "ann@example.org"), ("password", PASSWORD)], None).await;
    let half = half.session_cookie().unwrap();
    let held = app.call("login/access-code", &[("code", &code)], Some(&half)).await;
    held.expect_status(StatusCode::OK);
    let held = held.session_cookie().unwrap();
    let refused = app.call("sessions", &[], Some(&held)).await;
    expect_error(&refused, StatusCode::FORBIDDEN, "two_factor_setup_required", "setup-only session");

    // The person's own activity (seen from the old session, which the setup will end) and the
    // administrator's account page both show the action; the admin's own activity too.
    let events = app.call("security/events", &[], Some(&person.cookie)).await.json();
    let own_kinds: Vec<&str> =
        events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(own_kinds.contains(&"access_code_given"), "{own_kinds:?}");
    let detail = app.call("admin/account", &[("account", &account)], Some(&admin)).await.json();
    let kinds: Vec<&str> =
        detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"access_code_given") && kinds.contains(&"access_code_used"), "{kinds:?}");
    assert_eq!(detail["actions"][0]["action"], "access_code");
    assert_eq!(detail["actions"][0]["given_by"], "admin@example.org");
    assert_eq!(detail["actions"][0]["reason"], "Lost phone; called her back on file");
    let own = app.call("security/events", &[], Some(&admin)).await.json();
    assert_eq!(own[0]["kind"], "administrator_acted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_sessions_and_requiring_a_new_setup_work_from_the_admin_api() {
    let app = TestApp::new().await;
    let (_, admin) = fresh_administrator(&app, "admin@example.org").await;
    let person = app.enroll("bob@example.org").await;
    let account = user_id(&app, "bob@example.org").await.to_string();
    let form = [("account", account.as_str()), ("reason", "Laptop stolen")];
    let ended = app.call("admin/end-sessions", &form, Some(&admin)).await;
    ended.expect_status(StatusCode::OK);
    assert_eq!(ended.json(), 1);
    app.call("sessions", &[], Some(&person.cookie)).await.expect_status(StatusCode::UNAUTHORIZED);

    let form = [("account", account.as_str()), ("reason", "Phone number reassigned")];
    app.call("admin/require-setup", &form, Some(&admin)).await.expect_status(StatusCode::OK);
    let relogged = log_in_with_code(&app, "bob@example.org", &person.key, 0).await;
    let standing = app.call("two-factor/standing", &[], Some(&relogged)).await.json();
    assert_eq!(standing["standing"], "setup_again", "{standing}");

    let detail = app.call("admin/account", &[("account", &account)], Some(&admin)).await.json();
    let actions: Vec<&str> =
        detail["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["require_setup_again", "end_all_sessions"]);
    assert_eq!(detail["setup_required"], true);
    let kinds: Vec<&str> =
        detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"sessions_ended_by_administrator"), "{kinds:?}");
    assert!(kinds.contains(&"setup_required_by_administrator"), "{kinds:?}");
}

/// The audit trail only grows: every server function, called by an administrator with a fresh
/// factor with every field that could name a row, leaves the rows there were as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_edits_or_deletes_the_audit_trail() {
    let app = TestApp::new().await;
    let (_, admin) = fresh_administrator(&app, "admin@example.org").await;
    app.enroll("carl@example.org").await;
    let account = user_id(&app, "carl@example.org").await.to_string();
    let form = [("account", account.as_str()), ("reason", "first")];
    app.call("admin/end-sessions", &form, Some(&admin)).await.expect_status(StatusCode::OK);
    let trail = || async {
        let rows: Vec<(i64, i64, String, String, String, i64)> =
            sqlx::query_as("SELECT id, user_id, action, given_by, reason, at FROM admin_actions ORDER BY id")
                .fetch_all(&app.state.db)
                .await
                .unwrap();
        rows
    };
    let before = trail().await;
    let mut form = fields(&account);
    form.extend([
        ("id", "1".to_owned()),
        ("action", "access_code".to_owned()),
        ("given_by", "someone else".to_owned()),
        ("at", "0".to_owned()),
        ("password", PASSWORD.to_owned()),
        ("email", "carl@example.org".to_owned()),
    ]);
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let endpoint = path.trim_start_matches("/api/");
        if matches!(endpoint, "logout" | "account/close") {
            continue;
        }
        call_with(&app, endpoint, &form, &admin).await;
    }
    let after = trail().await;
    assert_eq!(after[..before.len()], before[..]);
}

/// The same in a browser without JavaScript: the pages refuse, ask to confirm, list, and show a
/// code given by a plain form once, on the account's page, to the session that asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_pages_work_as_plain_html_and_show_a_given_code_once() {
    let app = TestApp::new().await;
    let person = app.sign_up_confirmed("person@example.org").await;
    let page = app.get_page("/admin", Some(&person)).await;
    assert!(page.body.contains("This is for administrators of the WebApp only."), "{}", page.body);
    assert!(!page.body.contains("person@example.org</a>"));

    let admin = app.enroll("admin@example.org").await;
    grant(&app, "admin@example.org").await;
    let page = app.get_page("/admin", Some(&admin.cookie)).await;
    assert!(page.body.contains("Confirm it is you") && page.body.contains(r#"action="/api/admin/confirm""#));
    let settings = app.get_page("/settings", Some(&admin.cookie)).await;
    assert!(settings.body.contains(r#"href="/admin""#), "administrators find the pages in the navigation");
    let code = app_code(&admin.key, app::backend::unix_now());
    let confirmed =
        Reply::read(app.send(plain_form("admin/confirm", &[("code", &code)], "/admin", &admin.cookie)).await)
            .await;
    confirmed.expect_status(StatusCode::FOUND);

    let page = app.get_page("/admin?search=person", Some(&admin.cookie)).await;
    let account = user_id(&app, "person@example.org").await;
    assert!(page.body.contains(&format!(r#"href="/admin/accounts/{account}""#)), "{}", page.body);
    assert!(!page.body.contains("admin@example.org</a>"), "the search narrows the list");

    let form =
        [("account", account.to_string()), ("reason", "Lost phone".to_owned()), ("hours", "3".to_owned())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let from = format!("/admin/accounts/{account}");
    let given =
        Reply::read(app.send(plain_form("admin/access-code", &form, &from, &admin.cookie)).await).await;
    given.expect_status(StatusCode::FOUND);
    assert_eq!(given.headers[header::LOCATION], from.as_str());
    let shown = given.cookie("shown-once").expect("the code rides to the page, sealed");
    let with_shown = format!("{}; {shown}", admin.cookie);
    let page = app.get_page(&from, Some(&with_shown)).await;
    let tag = r#"<code class="access-code">"#;
    let start = page.body.find(tag).expect("the code is shown") + tag.len();
    let given_code = &page.body[start..start + 19];
    assert_eq!(given_code.matches('-').count(), 3, "{given_code}");
    assert!(!shown.to_lowercase().contains(&given_code.to_lowercase()), "sealed, not in clear");
    let cleared = page.headers.get_all(header::SET_COOKIE).iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("shown-once=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "the page that shows the code clears it");
    assert!(page.body.contains("Lost phone"), "the audit trail is on the page");
    // Only to this session: another session of the same administrator sees nothing of it.
    let other = log_in_with_code(&app, "admin@example.org", &admin.key, 1).await;
    let elsewhere = app.get_page(&from, Some(&format!("{other}; {shown}"))).await;
    assert!(!elsewhere.body.contains(given_code));
}

fn plain_form(endpoint: &str, form: &[(&str, &str)], from: &str, cookie: &str) -> Request<Body> {
    let mut request = server_fn_request(endpoint, form, Some(cookie));
    let headers = request.headers_mut();
    headers.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
    headers.insert(header::REFERER, format!("http://localhost{from}").parse().unwrap());
    request
}
