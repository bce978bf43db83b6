//! Command line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "server", version, about = "Serves the WebApp: pages, server functions and static files.")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the WebApp (the default).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Make a new data key and re-encrypt every secret under it. Stop all instances first.
    RotateKey,
    /// Delete expired sessions, setup keys, backup-code copies and attempt counters, then exit
    /// (the server also does this every few minutes while it runs).
    Cleanup,
    /// Administrators: `grant EMAIL`, `revoke EMAIL`, `list`. Only here, on the server, can an
    /// account become one.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Make the account of EMAIL an administrator (recorded and mailed to it).
    Grant { email: String },
    /// Take the administrator role from the account of EMAIL (recorded and mailed to it).
    Revoke { email: String },
    /// Every administrator: email, since when, and whether its 2FA is on.
    List,
    /// Give the account of EMAIL a temporary access code, for a person who lost every second
    /// factor: with the password it logs in once, to set up 2FA again (the old factors stop
    /// working then). Printed once; recorded with the reason and mailed to the account.
    AccessCode {
        email: String,
        /// Why (kept with the code, for the record): how the person's identity was checked.
        #[arg(long)]
        reason: String,
        /// How long the code is valid, 1 to 24.
        #[arg(long, default_value_t = 24)]
        hours: u32,
    },
    /// Log out every session of the account of EMAIL, forget its remembered browsers and end its
    /// reset links (recorded with the reason and mailed to it).
    EndSessions {
        email: String,
        #[arg(long)]
        reason: String,
    },
    /// End every session of the account of EMAIL and hold its next logins to a new 2FA setup,
    /// whose completion replaces every old factor (recorded with the reason and mailed to it).
    RequireSetup {
        email: String,
        #[arg(long)]
        reason: String,
    },
    /// Every account that has not set up 2FA, and with --require-two-factor the time it has left.
    WithoutTwoFactor,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database to use: `sqlite://PATH?mode=rwc` (created when missing) or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/webapp.db?mode=rwc")]
    pub database_url: String,

    /// Address to listen on (cargo-leptos sets it from `site-addr`).
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,

    /// Folder with the built site: WASM, JS and CSS under `pkg/`.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Sub-folder of the site root holding the bundle.
    #[arg(long, env = "LEPTOS_SITE_PKG_DIR", default_value = "pkg")]
    pub site_pkg_dir: String,

    /// Base name of the bundle files (`output-name` in Cargo.toml).
    #[arg(long, env = "LEPTOS_OUTPUT_NAME", default_value = "webapp")]
    pub output_name: String,

    /// Name that authenticator apps show above the account.
    #[arg(long, env = "WEBAPP_ISSUER", default_value = "WebApp")]
    pub issuer: String,

    /// File holding the key that encrypts data at rest; created (mode 0600) when missing.
    #[arg(long, env = "WEBAPP_KEY_FILE", default_value = "data/secret.key")]
    pub key_file: PathBuf,

    /// Mark the session cookie Secure: set this when the WebApp is served over HTTPS.
    #[arg(long, env = "WEBAPP_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Addresses of reverse proxies in front of the server, comma-separated. A request from one of
    /// them is attributed to the client its `X-Forwarded-For` names, for the per-client guessing
    /// limit and the security activity; from anyone else the header is ignored.
    #[arg(long, env = "WEBAPP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Where people reach the WebApp, e.g. `https://webapp.example.com`: the base of every link in
    /// a mail. Defaults to `http://` and the listening address.
    #[arg(long, env = "WEBAPP_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Mail server for the security mails: `smtp://host:port` (a local relay, no TLS),
    /// `smtp+starttls://user:pass@host:587` or `smtps://user:pass@host:465`. Without it, mails
    /// are written as `.eml` files to `--outbox-dir`.
    #[arg(long, env = "WEBAPP_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of the security mails.
    #[arg(long, env = "WEBAPP_MAIL_FROM", default_value = "WebApp <webapp@localhost>")]
    pub mail_from: String,

    /// Folder the mails go to as `.eml` files when no `--smtp-url` is given.
    #[arg(long, env = "WEBAPP_OUTBOX_DIR", default_value = "data/outbox")]
    pub outbox_dir: PathBuf,

    /// Where texted codes go: `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B3197...`
    /// (Twilio), `cm://PRODUCT_TOKEN@gw.messaging.cm.com?from=WebApp` (CM.com), or the same with
    /// `twilio+http://` / `cm+http://` for a local test server. Without it, texts are written as
    /// JSON files to `--sms-outbox-dir`.
    #[arg(long, env = "WEBAPP_SMS_URL")]
    pub sms_url: Option<String>,

    /// Folder the texts go to as JSON files when no `--sms-url` is given.
    #[arg(long, env = "WEBAPP_SMS_OUTBOX_DIR", default_value = "data/sms-outbox")]
    pub sms_outbox_dir: PathBuf,

    /// Texts the whole server may send a day; past it, sending stops (and is logged) until the
    /// next day (UTC).
    #[arg(long, env = "WEBAPP_SMS_DAILY_LIMIT", default_value_t = 1000)]
    pub sms_daily_limit: u32,

    /// Require 2FA of every account: without it, a banner counts down the grace period, after
    /// which the account reaches nothing but the setup; 2FA cannot be turned off.
    #[arg(long, env = "WEBAPP_REQUIRE_TWO_FACTOR")]
    pub require_two_factor: bool,

    /// Days an account without 2FA has to set it up once it is required.
    #[arg(long, env = "WEBAPP_TWO_FACTOR_GRACE_DAYS", default_value_t = 14)]
    pub two_factor_grace_days: u32,

    /// The calling codes texts may go to, comma-separated (`31,32,49`); all when not given.
    #[arg(long, env = "WEBAPP_SMS_COUNTRIES", value_delimiter = ',')]
    pub sms_countries: Vec<u16>,

    /// On SIGTERM or SIGINT, how long the server serves on with `/readyz` answering 503 before it
    /// stops accepting connections, in seconds: long enough for a load balancer's health check to
    /// take it out of rotation. A second signal ends the wait.
    #[arg(long, env = "WEBAPP_DRAIN_SECS", default_value_t = 5)]
    pub drain_secs: u64,

    /// Then, how long requests in flight may take to finish before the server exits anyway, in
    /// seconds.
    #[arg(long, env = "WEBAPP_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,

    /// Log lines as text for people, or JSON (one object a line) for log shippers.
    #[arg(long, env = "WEBAPP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Where `/metrics` is served: an address of its own (by default a loopback one, never the
    /// WebApp's port: login outcomes and live sessions are not for everyone), `main` beside the
    /// WebApp, or `off`.
    #[arg(long, env = "WEBAPP_METRICS_ADDR", default_value = "127.0.0.1:9464", value_parser = MetricsAt::parse)]
    pub metrics_addr: MetricsAt,
}

/// Where `/metrics` is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAt {
    /// On a listener of its own.
    Address(SocketAddr),
    /// Beside the WebApp, on its port.
    Main,
    Off,
}

impl MetricsAt {
    fn parse(value: &str) -> Result<Self, String> {
        match value {
            "main" => Ok(MetricsAt::Main),
            "off" => Ok(MetricsAt::Off),
            address => address
                .parse()
                .map(MetricsAt::Address)
                .map_err(|_| format!("{address}: an address (127.0.0.1:9464), `main` or `off`")),
        }
    }
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// Why this configuration cannot serve people, if it cannot: behind HTTPS
    /// (`--secure-cookies`), links made from the listening address would point at
    /// `http://<listen address>`, which no mail reader can open.
    pub fn refusal(&self) -> Option<&'static str> {
        (self.secure_cookies && self.public_url.is_none()).then_some(
            "--secure-cookies needs --public-url (WEBAPP_PUBLIC_URL): the links in mails would be http:// and the listening address",
        )
    }

    /// `--public-url` without a trailing slash, or the listening address.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.site_addr),
        }
    }
}
