//! A WebApp on a fresh SQLite database in a temporary folder, driven through its router.

pub mod process;
pub mod smtp;

use axum::body::Body;
use axum::Router;
use http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use app::backend::AppState;
use server::config::Config;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub config: Config,
    pub _dir: tempfile::TempDir,
}

/// The engine under test: PostgreSQL when `TEST_POSTGRES_URL` names a server (an admin URL,
/// e.g. `postgres://postgres@127.0.0.1:5432/postgres`), SQLite otherwise.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// A fresh, empty database for one test: a file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    let Some(admin) = postgres_admin_url() else {
        return format!("sqlite://{}/test.db?mode=rwc", dir.display());
    };
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("webapp_test_{}_{}", std::process::id(), rand::random::<u64>());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("connect to TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let base = admin.split('?').next().unwrap();
    let server = &base[..base.rfind('/').expect("a database in TEST_POSTGRES_URL")];
    format!("{server}/{name}")
}

/// Marks `email`'s address confirmed in the database of a server process, as its mailed link
/// would (the link itself is tested in `email_links`): a second factor needs a confirmed address.
pub async fn confirm_address_in(database_url: &str, email: &str) {
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(database_url).await.unwrap();
    sqlx::query("UPDATE users SET email_confirmed_at = $1 WHERE email = $2")
        .bind(app::backend::unix_now())
        .bind(email)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
}

pub fn is_postgres(config: &Config) -> bool {
    config.database_url.starts_with("postgres")
}

pub fn config_in(dir: &std::path::Path, database_url: String) -> Config {
    Config {
        database_url,
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: dir.join("site").display().to_string(),
        site_pkg_dir: "pkg".into(),
        output_name: "webapp".into(),
        issuer: "WebApp".into(),
        key_file: dir.join("secret.key"),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
        public_url: None,
        smtp_url: None,
        mail_from: "WebApp <webapp@localhost>".into(),
        outbox_dir: dir.join("outbox"),
        sms_url: None,
        sms_outbox_dir: dir.join("sms-outbox"),
        sms_daily_limit: 1000,
        require_two_factor: false,
        two_factor_grace_days: 14,
        sms_countries: Vec::new(),
        drain_secs: 0,
        shutdown_grace_secs: 20,
        log_format: server::config::LogFormat::Text,
        metrics_addr: server::config::MetricsAt::Main,
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// A WebApp whose configuration `change` adjusts first.
    pub async fn with_config(change: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config_in(dir.path(), fresh_database_url(dir.path()).await);
        change(&mut config);
        let state = server::app_state(&config).await.unwrap();
        let router = server::routing::router(state.clone(), server::leptos_options(&config));
        TestApp { router, state, config, _dir: dir }
    }

    /// Another instance on the same database and key, started now with `change` applied: a
    /// restart with another configuration. It must not outlive `self` (whose folder it uses).
    pub async fn restarted(&self, change: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        change(&mut config);
        let state = server::app_state(&config).await.unwrap();
        let router = server::routing::router(state.clone(), server::leptos_options(&config));
        TestApp { router, state, config, _dir: tempfile::tempdir().unwrap() }
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// Calls a server function the way a form or curl does: url-encoded fields.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        Reply::read(self.send(server_fn_request(endpoint, form, cookie)).await).await
    }

    /// Calls on a task of its own, so that calls run truly in parallel.
    pub fn spawn_call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: &str,
    ) -> tokio::task::JoinHandle<Reply> {
        let request = server_fn_request(endpoint, form, Some(cookie));
        let router = self.router.clone();
        tokio::spawn(async move { Reply::read(router.oneshot(request).await.unwrap()).await })
    }

    pub async fn get_page(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        Reply::read(self.send(request.body(Body::empty()).unwrap()).await).await
    }
}

pub fn server_fn_request(endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::from(body)).unwrap()
    }
}

impl TestApp {
    /// Signs up a new account and returns its session cookie (`session=...`).
    pub async fn sign_up(&self, email: &str) -> String {
        let reply = self.call("signup", &[("email", email), ("password", PASSWORD)], None).await;
        reply.expect_status(StatusCode::OK);
        reply.session_cookie().expect("sign-up sets a session cookie")
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub async fn read(response: Response<Body>) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        // A stream that never ends would hang the whole test run: fail this test instead.
        let bytes = tokio::time::timeout(std::time::Duration::from_secs(60), response.into_body().collect())
            .await
            .expect("the response body did not end within 60 s")
            .unwrap()
            .to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Fails the test at the caller's line unless the answer has the `expected` status; the
    /// message gives both statuses and the body.
    #[track_caller]
    pub fn expect_status(&self, expected: StatusCode) -> &Self {
        if self.status != expected {
            panic!("expected {expected}, got {}: {}", self.status, self.body);
        }
        self
    }

    /// [`Reply::expect_status`] with `context` (the case, the endpoint, the attempt) leading the message.
    #[track_caller]
    pub fn expect_status_for(&self, expected: StatusCode, context: impl std::fmt::Display) -> &Self {
        if self.status != expected {
            panic!("{context}: expected {expected}, got {}: {}", self.status, self.body);
        }
        self
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn set_cookie(&self) -> Option<String> {
        self.headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned())
    }

    /// The `name=value` part of the Set-Cookie header, ready to send back.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie("session").or_else(|| self.cookie("__Host-session"))
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// Marks the address of the account behind `cookie` confirmed, as its mailed link would
    /// (the link itself is tested in `email_links`): a second factor needs a confirmed address.
    pub async fn confirm_address(&self, cookie: &str) {
        let session = self.session_of(cookie).await;
        let now = app::backend::unix_now();
        app::backend::store::users::confirm_email(&self.state.db, session.user_id, &session.email, now)
            .await
            .unwrap();
    }

    /// Signs up and confirms the address; returns the session cookie.
    pub async fn sign_up_confirmed(&self, email: &str) -> String {
        let cookie = self.sign_up(email).await;
        self.confirm_address(&cookie).await;
        cookie
    }

    /// The server-side session behind a `session=...` cookie.
    pub async fn session_of(&self, cookie: &str) -> app::backend::sessions::Session {
        let value = cookie.split_once('=').map_or(cookie, |(_, value)| value);
        let token = app::backend::ids::SessionToken::parse(value).expect("a session token");
        app::backend::sessions::find(&self.state.db, &token, app::backend::unix_now())
            .await
            .unwrap()
            .expect("live session")
    }
}

/// An account with 2FA on.
pub struct Enrolled {
    pub user_id: app::backend::ids::UserId,
    /// A fully authenticated session.
    pub cookie: String,
    /// The base32 key, without spaces.
    pub key: String,
    pub backup_codes: Vec<String>,
}

impl TestApp {
    /// Signs up and turns 2FA on. The setup code is the previous step's, so that codes of the
    /// current and next steps are still free for the test's logins.
    pub async fn enroll(&self, email: &str) -> Enrolled {
        let cookie = self.sign_up_confirmed(email).await;
        let setup = self.call("two-factor/begin", &[("password", PASSWORD)], Some(&cookie)).await.json();
        let key = setup["key"].as_str().unwrap().replace(' ', "");
        let code = app_code(&key, app::backend::unix_now() - 30);
        let confirmed = self.call("two-factor/confirm", &[("code", &code)], Some(&cookie)).await;
        confirmed.expect_status(StatusCode::OK);
        let backup_codes = serde_json::from_value(confirmed.json()["codes"].clone()).unwrap();
        let user_id = self.session_of(&cookie).await.user_id;
        Enrolled { user_id, cookie, key, backup_codes }
    }
}

/// The code an authenticator app shows for `key` (base32, maybe grouped) at `unix_time`.
#[track_caller]
pub fn app_code(key: &str, unix_time: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    totp.generate(unix_time as u64).to_string()
}

impl TestApp {
    /// Calls a server function as a client at `ip` (the router sees it as the TCP peer).
    pub async fn call_from(
        &self,
        ip: &str,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        let mut request = server_fn_request(endpoint, form, cookie);
        let peer = std::net::SocketAddr::new(ip.parse().unwrap(), 40_000);
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        Reply::read(self.send(request).await).await
    }
}

impl Reply {
    /// The `name=value` of the cookie `name` this answer sets, if it sets one with a value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.split_once('=').is_some_and(|(k, v)| k == name && !v.is_empty()))
            .map(str::to_owned)
    }
}

/// A 6-digit code typed with a space in the middle, as the app shows it: "123 456".
pub fn spaced(code: &str) -> String {
    format!("{} {}", &code[..3], &code[3..])
}

/// A code that is valid at none of the three steps around `now` (the window a check accepts).
pub fn wrong_code(key: &str, now: i64) -> String {
    let valid: Vec<String> = (-1..=1).map(|k| app_code(key, now + 30 * k)).collect();
    (0..1_000_000u32).map(|n| format!("{n:06}")).find(|c| !valid.contains(c)).unwrap()
}

impl TestApp {
    /// Every byte the database holds: the SQLite file with its WAL (free pages included), or
    /// each PostgreSQL table's rows as text.
    pub async fn database_contents(&self) -> Vec<u8> {
        if is_postgres(&self.config) {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&self.state.db)
            .await
            .unwrap();
            let mut all = Vec::new();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))
                        .fetch_all(&self.state.db)
                        .await
                        .unwrap();
                all.extend(rows.join("\n").into_bytes());
            }
            return all;
        }
        let path =
            self.config.database_url.trim_start_matches("sqlite://").split('?').next().unwrap().to_owned();
        let mut raw = std::fs::read(&path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            raw.extend(wal);
        }
        raw
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
