//! The server binary as a process of its own, and an HTTP client for it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// A server process, killed when dropped.
pub struct Instance {
    pub child: Child,
    pub base: String,
    pub log_path: std::path::PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts the server binary on a free loopback port; its log goes to `dir/server-PORT.log`.
pub fn start(database_url: &str, dir: &std::path::Path, log_filter: &str) -> Instance {
    start_with(database_url, dir, log_filter, &[])
}

/// Starts the server with extra environment variables (its configuration).
pub fn start_with(
    database_url: &str,
    dir: &std::path::Path,
    log_filter: &str,
    env: &[(&str, &str)],
) -> Instance {
    let port = free_port();
    let log_path = dir.join(format!("server-{port}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("WEBAPP_KEY_FILE", dir.join("secret.key"))
        .env("WEBAPP_OUTBOX_DIR", dir.join("outbox"))
        .env("WEBAPP_SMS_OUTBOX_DIR", dir.join("sms-outbox"))
        .env("RUST_LOG", log_filter)
        .env("NO_COLOR", "1")
        // No metrics listener unless a test asks for one: on the default 127.0.0.1:9464 the
        // servers of tests running in parallel collided, and the loser logged an error
        // (CI, in `operations::browsers_that_leave_…`, which fails on any logged error).
        .env("WEBAPP_METRICS_ADDR", "off")
        .envs(env.iter().copied())
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start the server binary");
    Instance { child, base: format!("http://127.0.0.1:{port}/api"), log_path }
}

pub struct Reply {
    pub status: StatusCode,
    pub json: serde_json::Value,
    pub cookie: Option<String>,
}

impl Reply {
    /// Fails the test at the caller's line unless the answer has the `expected` status; the
    /// message gives both statuses and the JSON body.
    #[track_caller]
    pub fn expect_status(&self, expected: StatusCode) -> &Self {
        if self.status != expected {
            panic!("expected {expected}, got {}: {}", self.status, self.json);
        }
        self
    }

    /// [`Reply::expect_status`] with `context` (the case, the endpoint, the attempt) leading the message.
    #[track_caller]
    pub fn expect_status_for(&self, expected: StatusCode, context: impl std::fmt::Display) -> &Self {
        if self.status != expected {
            panic!("{context}: expected {expected}, got {}: {}", self.status, self.json);
        }
        self
    }
}

pub async fn call(
    client: &reqwest::Client,
    instance: &Instance,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Reply {
    let mut request = client.post(format!("{}/{endpoint}", instance.base)).form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .filter(|c| !c.ends_with('='))
        .map(str::to_owned);
    let json = response.json().await.unwrap_or(serde_json::Value::Null);
    Reply { status, json, cookie }
}

pub async fn wait_until_up(client: &reqwest::Client, instance: &mut Instance) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = instance.child.try_wait() {
            let log = std::fs::read_to_string(&instance.log_path).unwrap_or_default();
            panic!("{} exited: {status}\n{log}", instance.base);
        }
        if let Ok(r) = client.post(format!("{}/session", instance.base)).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{} did not come up", instance.base);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
