//! `/metrics` in Prometheus' text format: the domain's counters (see `app::backend::telemetry`),
//! request latency per server function, and, read at each scrape, the database pool's use and
//! the live sessions. Served beside the WebApp, or only on `--metrics-addr`.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use metrics::Histogram;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::AnyPool;

use app::backend::sessions::IDLE_TIMEOUT_SECS;

/// Request and hashing times, in seconds: from a cached page to a slow hash under load.
const BUCKETS: [f64; 13] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// How often the latency samples recorded since the last time are folded into the histograms.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder, installed at the first call (a process has one; tests build many
/// routers in one process).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already; /metrics shows only its own");
        }
        describe();
        keep_up(handle.clone(), UPKEEP_EVERY);
        handle
    })
}

/// Folds the recorded samples into their histograms every `every`, on a thread of its own (the
/// process's recorder outlives any one tokio runtime; tests start many). The exporter keeps each
/// sample, 8 bytes, until it is folded, which without this happens only at a scrape: an instance
/// nobody scraped grew by every request it answered (RSS 32 MB to 106 MB over 90 seconds of
/// scripts/bench.sh's page scenarios).
pub fn keep_up(handle: PrometheusHandle, every: Duration) {
    let started = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
        std::thread::sleep(every);
        handle.run_upkeep();
    });
    if let Err(error) = started {
        tracing::error!(%error, "could not start the metrics upkeep thread; samples are folded at each scrape only");
    }
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!("webapp_logins_total", "Password logins, by result");
    describe_counter!(
        "webapp_second_factor_checks_total",
        "Codes and backup codes checked, by method and result"
    );
    describe_counter!("webapp_two_factor_setups_total", "2FA setups started and completed");
    describe_counter!("webapp_backup_codes_used_total", "Backup codes accepted");
    describe_counter!(
        "webapp_reused_codes_refused_total",
        "Correct codes of an already used time step, refused"
    );
    describe_counter!("webapp_cross_site_refused_total", "Server-function calls from other sites, refused");
    describe_histogram!("webapp_request_duration_seconds", Unit::Seconds, "Time to answer, by route");
    describe_histogram!(
        "webapp_password_hash_seconds",
        Unit::Seconds,
        "Time of one job of the hashing threads"
    );
    describe_gauge!("webapp_db_pool_connections", "Database connections of this instance, by state");
    describe_gauge!("webapp_live_sessions", "Sessions used within the idle timeout, all instances");
}

/// The time to answer, per route: a server function's path, an operations path, or the kind of
/// the rest. Never the raw path of an unknown URL, which would let anyone grow the label set.
/// Each route's histogram is made once: `histogram!` finds its key in the recorder's registry
/// at each call, 1% of a session check's instructions (callgrind).
pub struct RequestTimes {
    /// By path: the server functions' and `OPERATIONS`.
    by_path: HashMap<&'static str, Histogram>,
    other_api: Histogram,
    static_files: Histogram,
    pages: Histogram,
}

/// The paths besides the server functions' that are labelled as themselves.
const OPERATIONS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

impl RequestTimes {
    pub fn new(server_functions: impl Iterator<Item = &'static str>) -> Self {
        recorder();
        let by_path = server_functions.chain(OPERATIONS).map(|path| (path, route_histogram(path))).collect();
        RequestTimes {
            by_path,
            other_api: route_histogram("/api/other"),
            static_files: route_histogram("static"),
            pages: route_histogram("page"),
        }
    }

    /// The histogram of the route `path` belongs to.
    pub fn of(&self, path: &str) -> &Histogram {
        match self.by_path.get(path) {
            Some(known) => known,
            None if path.starts_with("/api/") => &self.other_api,
            None if path.starts_with("/pkg/") => &self.static_files,
            None => &self.pages,
        }
    }
}

fn route_histogram(label: &'static str) -> Histogram {
    metrics::histogram!("webapp_request_duration_seconds", "route" => label)
}

pub fn cross_site_refused() {
    metrics::counter!("webapp_cross_site_refused_total").increment(1);
}

/// The scrape: gauges read now, then everything in the text format.
pub async fn scrape(State(db): State<AnyPool>) -> Response {
    let idle = db.num_idle() as f64;
    metrics::gauge!("webapp_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("webapp_db_pool_connections", "state" => "in_use").set(f64::from(db.size()) - idle);
    let since = app::backend::unix_now() - IDLE_TIMEOUT_SECS;
    match app::backend::store::sessions::count_used_since(&db, since).await {
        Ok(live) => metrics::gauge!("webapp_live_sessions").set(live as f64),
        Err(_) => tracing::debug!("live sessions not counted"),
    }
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], recorder().render()).into_response()
}
