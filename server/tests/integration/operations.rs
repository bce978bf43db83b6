//! What whoever runs the WebApp relies on: health and readiness, metrics, request ids in the
//! logs, and a shutdown that lets requests in flight finish.

use std::time::{Duration, Instant};

use http::{header, Request, StatusCode};

use crate::common;
use common::process::{free_port, start_with, wait_until_up};
use common::{TestApp, PASSWORD};

async fn get(app: &TestApp, path: &str) -> common::Reply {
    app.get_page(path, None).await
}

fn sigterm(server: &common::process::Instance) {
    let killed = std::process::Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    assert!(killed.unwrap().success());
}

/// How the server process ended, and its log; a failure if it is still running 30 s on.
async fn exit_of(mut server: common::process::Instance) -> (std::process::ExitStatus, String) {
    let pid = server.child.id();
    let exit = tokio::task::spawn_blocking(move || {
        let status = server.child.wait().unwrap();
        (status, std::fs::read_to_string(&server.log_path).unwrap())
    });
    let Ok(exited) = tokio::time::timeout(Duration::from_secs(30), exit).await else {
        let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        panic!("the server did not stop within 30 s of SIGTERM");
    };
    exited.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_the_process_runs_and_readyz_only_when_the_database_is_ready() {
    let app = TestApp::new().await;
    let cookie = app.sign_up("ann@example.com").await;
    let live = get(&app, "/healthz").await;
    assert_eq!((live.status, live.json()["status"].clone()), (StatusCode::OK, "ok".into()));
    let ready = get(&app, "/readyz").await;
    assert_eq!((ready.status, ready.json()["status"].clone()), (StatusCode::OK, "ready".into()));

    // A migration this build knows is missing: not ready, and why.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&app.state.db)
        .await
        .unwrap();
    let behind = get(&app, "/readyz").await;
    behind.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(behind.json()["status"], "not_ready");
    assert!(behind.json()["reason"].as_str().unwrap().contains("migrations not applied"), "{}", behind.body);

    // The database gone: not ready; the process itself still answers.
    app.state.db.close().await;
    let gone = get(&app, "/readyz").await;
    gone.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(gone.json()["reason"], "the database does not answer");
    get(&app, "/healthz").await.expect_status(StatusCode::OK);
    // And a request that needs it is a 503 that says why and when to try again, not a 500.
    let login = app.call("login", &[("email", "ann@example.com"), ("password", PASSWORD)], None).await;
    login.expect_status(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(login.json()["error"], "database_unavailable", "{}", login.body);
    assert_eq!(login.headers[header::RETRY_AFTER], "5");
    assert!(login.json()["message"].as_str().unwrap().contains("database"), "{}", login.body);
    // A page says so too, with the same status.
    for (path, cookie) in [("/", Some(cookie.as_str())), ("/settings/security", Some(cookie.as_str()))] {
        let page = app.get_page(path, cookie).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {}", page.body);
        assert!(page.body.contains("cannot reach its database"), "{path}: {}", page.body);
    }
}

/// The server runs without transparent huge pages: with them, the memory its allocator gave
/// back after a burst stayed resident (the kernel backs and refills whole 2 MiB ranges).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_process_runs_without_transparent_huge_pages() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start_with(&database_url, dir.path(), "warn", &[]);
    wait_until_up(&client, &mut server).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let thp =
        status.lines().find(|line| line.starts_with("THP_enabled:")).expect("Linux reports THP_enabled");
    assert_eq!(thp.split_whitespace().nth(1), Some("0"), "{thp}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_first_drains_with_readyz_refusing_while_everything_else_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start_with(&database_url, dir.path(), "info", &[("WEBAPP_DRAIN_SECS", "3")]);
    wait_until_up(&client, &mut server).await;
    let site = server.base.trim_end_matches("/api").to_owned();
    let ready = client.get(format!("{site}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    sigterm(&server);
    let signalled = Instant::now();
    let mut draining = None;
    while signalled.elapsed() < Duration::from_secs(2) {
        let ready = client.get(format!("{site}/readyz")).send().await.unwrap();
        if ready.status() == StatusCode::SERVICE_UNAVAILABLE {
            draining = Some(ready.json::<serde_json::Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let draining = draining.expect("/readyz answers 503 soon after SIGTERM");
    assert_eq!(draining["reason"], "draining: this instance is shutting down");
    // Meanwhile everything else is served: a sign-up, a page, liveness.
    let form = [("email", "drain@example.com"), ("password", PASSWORD)];
    let signed_up = client.post(format!("{}/signup", server.base)).form(&form).send().await.unwrap();
    assert_eq!(signed_up.status(), StatusCode::OK);
    assert_eq!(client.get(format!("{site}/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.get(format!("{site}/")).send().await.unwrap().status(), StatusCode::OK);
    assert!(signalled.elapsed() < Duration::from_secs(3), "the checks ran within the drain");

    // After the drain it stops, cleanly.
    let (status, log) = exit_of(server).await;
    assert!(signalled.elapsed() >= Duration::from_secs(3), "it served for the whole drain");
    assert!(status.success(), "{status}\n{log}");
    assert!(log.contains("draining") && log.contains("stopped"), "{log}");
}

/// The value of the sample `name{labels}` in a Prometheus text page, or 0.
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_logins_checks_and_refusals_and_time_each_server_function() {
    let app = TestApp::new().await;
    let enrolled = app.enroll("metrics@example.com").await;
    let before = get(&app, "/metrics").await.body;
    let wrong = [("email", "metrics@example.com"), ("password", "not the password at all")];
    app.call("login", &wrong, None).await.expect_status(StatusCode::UNAUTHORIZED);
    let half = app
        .call("login", &[("email", "metrics@example.com"), ("password", PASSWORD)], None)
        .await
        .session_cookie()
        .unwrap();
    let code = common::wrong_code(&enrolled.key, app::backend::unix_now());
    app.call("login/code", &[("code", &code)], Some(&half)).await.expect_status(StatusCode::UNAUTHORIZED);
    let used = [("code", enrolled.backup_codes[0].as_str())];
    app.call("login/backup-code", &used, Some(&half)).await.expect_status(StatusCode::OK);
    let cross_site = Request::post("/api/session")
        .header(header::ORIGIN, "https://evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(cross_site).await.status(), StatusCode::FORBIDDEN);

    let after = get(&app, "/metrics").await;
    after.expect_status(StatusCode::OK);
    assert!(after.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    let page = after.body;
    // Other tests of this process count too: each figure grew by at least this test's share.
    for (series, grew_by) in [
        ("webapp_logins_total{result=\"wrong_password\"}", 1.0),
        ("webapp_logins_total{result=\"second_factor_required\"}", 1.0),
        ("webapp_second_factor_checks_total{method=\"app_code\",result=\"wrong\"}", 1.0),
        ("webapp_second_factor_checks_total{method=\"backup_code\",result=\"accepted\"}", 1.0),
        ("webapp_backup_codes_used_total", 1.0),
        ("webapp_cross_site_refused_total", 1.0),
        ("webapp_request_duration_seconds_count{route=\"/api/login\"}", 2.0),
        ("webapp_password_hash_seconds_count{work=\"verify\"}", 2.0),
    ] {
        assert!(sample(&page, series) >= sample(&before, series) + grew_by, "{series}\n{page}");
    }
    assert!(sample(&page, "webapp_two_factor_setups_total{step=\"completed\"}") >= 1.0);
    assert!(sample(&page, "webapp_live_sessions") >= 1.0, "{page}");
    assert!(page.contains("webapp_db_pool_connections{state=\"idle\"}"));
    assert!(page.contains("webapp_request_duration_seconds_bucket{route=\"/api/login\",le=\"0.1\"}"));
    // No address, email or id in any label.
    assert!(!page.contains("metrics@example.com") && !page.contains("127.0.0.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_a_request_id_and_only_a_trusted_proxy_may_choose_it() {
    let app = TestApp::with_config(|c| c.trusted_proxies = vec!["10.0.0.2".parse().unwrap()]).await;
    let with_id = |peer: &str, id: &str| {
        let mut request =
            Request::get("/healthz").header("x-request-id", id).body(axum::body::Body::empty()).unwrap();
        let peer = std::net::SocketAddr::new(peer.parse().unwrap(), 40_000);
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        request
    };
    let made = app.send(with_id("203.0.113.9", "chosen-by-client")).await;
    let made = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made.len(), 32, "{made}");
    let proxied = app.send(with_id("10.0.0.2", "from-the-proxy-42")).await;
    assert_eq!(proxied.headers()["x-request-id"], "from-the-proxy-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_the_request_id_on_every_line_of_a_request() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start_with(&database_url, dir.path(), "info", &[("WEBAPP_LOG_FORMAT", "json")]);
    wait_until_up(&client, &mut server).await;
    let reply = client
        .post(format!("{}/signup", server.base))
        .form(&[("email", "logs@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    let id = reply.headers()["x-request-id"].to_str().unwrap().to_owned();
    let log = std::fs::read_to_string(&server.log_path).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let created =
        lines.iter().find(|l| l["fields"]["message"] == "account created").expect("the sign-up's line");
    assert_eq!(created["spans"][0]["id"], id.as_str(), "{created}");
    assert_eq!(created["level"], "INFO");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_logins_being_hashed_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    // Each account and its client an address of its own (sign-ups and logins are limited per
    // address and per account); the server believes X-Forwarded-For from loopback.
    let mut server =
        start_with(&database_url, dir.path(), "info", &[("WEBAPP_TRUSTED_PROXIES", "127.0.0.1")]);
    wait_until_up(&client, &mut server).await;
    let account = |i: usize| (format!("stop{i}@example.com"), format!("10.0.0.{}", i + 1));
    for i in 0..12 {
        let (email, address) = account(i);
        let form = [("email", email.as_str()), ("password", PASSWORD)];
        let reply =
            client.post(format!("{}/signup", server.base)).header("x-forwarded-for", address).form(&form);
        assert_eq!(reply.send().await.unwrap().status(), StatusCode::OK);
    }

    // Twelve logins at once: two hashing threads take a while for all of them. The signal goes
    // as soon as the first is answered, when the others are surely under way.
    let (first_done, mut first) = tokio::sync::mpsc::unbounded_channel();
    let logins: Vec<_> = (0..12)
        .map(|i| {
            let client = reqwest::Client::new();
            let url = format!("{}/login", server.base);
            let (email, address) = account(i);
            let first_done = first_done.clone();
            tokio::spawn(async move {
                let form = [("email", email.as_str()), ("password", PASSWORD)];
                let reply = client.post(url).header("x-forwarded-for", address).form(&form).send().await;
                let _ = first_done.send(());
                (reply.map(|r| r.status()), Instant::now())
            })
        })
        .collect();
    first.recv().await.unwrap();
    let sent_at = Instant::now();
    sigterm(&server);
    let mut finished_after = 0;
    for login in logins {
        let (status, at) = login.await.unwrap();
        assert_eq!(status.expect("an answer, not a dropped connection"), StatusCode::OK);
        finished_after += usize::from(at > sent_at);
    }
    assert!(finished_after > 0, "no login was still in flight at the signal: the test proves nothing");
    let (status, log) = exit_of(server).await;
    assert!(status.success(), "{status}\n{log}");
    assert!(log.contains("shutting down") && log.contains("stopped"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_metrics_addr_the_metrics_are_there_only() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let mut server =
        start_with(&database_url, dir.path(), "info", &[("WEBAPP_METRICS_ADDR", metrics_addr.as_str())]);
    wait_until_up(&client, &mut server).await;
    let site = server.base.trim_end_matches("/api");
    let public = client.get(format!("{site}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    let private = client.get(format!("http://{metrics_addr}/metrics")).send().await.unwrap();
    assert_eq!(private.status(), StatusCode::OK);
    assert!(private.text().await.unwrap().contains("webapp_db_pool_connections"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_server_function_and_nothing_else() {
    let app = TestApp::new().await;
    let reply = get(&app, "/api/openapi.json").await;
    reply.expect_status(StatusCode::OK);
    let document = reply.json();
    assert_eq!(document["openapi"], "3.1.0");
    let mut documented: Vec<String> = document["paths"].as_object().unwrap().keys().cloned().collect();
    let mut registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    documented.sort();
    registered.sort();
    registered.dedup();
    assert_eq!(documented, registered);
    // Every reference resolves to a component.
    let text = reply.body;
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(schemas.contains_key(name), "{name} is not a component");
    }
}

/// Opens the Security page and goes away before it is all there, as a browser whose tab is closed
/// does: the connection reset a moment after the request, at a spread of moments.
async fn leave_the_security_page(base: &str, cookie: &str, times: u32) {
    use tokio::io::AsyncWriteExt;
    let address = base.trim_start_matches("http://").trim_end_matches("/api");
    for i in 0..times {
        let mut tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        let request =
            format!("GET /settings/security HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\r\n");
        tcp.write_all(request.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_micros(u64::from(i % 16) * 250)).await;
        tcp.set_zero_linger().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_that_leave_the_security_page_early_neither_hang_the_server_nor_log_errors() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let mut server = start_with(&database_url, dir.path(), "warn", &[("WEBAPP_DRAIN_SECS", "0")]);
    wait_until_up(&client, &mut server).await;
    let form = [("email", "leaver@example.com"), ("password", PASSWORD)];
    let cookie = common::process::call(&client, &server, "signup", &form, None).await.cookie.unwrap();

    leave_the_security_page(&server.base, &cookie, 400).await;

    // Still served, and the page's work for the browsers that left is over or ends soon. (On the
    // code before, a worker thread could hang for good in the page's teardown: the server stopped
    // answering once both had, and never stopped on SIGTERM; the request context lost under a
    // page's running work was logged as an internal error.)
    let session = client.post(format!("{}/session", server.base)).header("cookie", &cookie).send();
    let session = tokio::time::timeout(Duration::from_secs(10), session).await.expect("an answer").unwrap();
    assert_eq!(session.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_secs(1)).await;
    sigterm(&server);
    let (status, log) = exit_of(server).await;
    assert!(status.success(), "{status}\n{log}");
    assert!(!log.contains("ERROR") && !log.contains("panicked"), "{log}");
}
