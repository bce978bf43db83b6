#![recursion_limit = "256"]
use std::future::IntoFuture;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use axum::serve::ListenerExt;
use server::config::{Cli, Command, LogFormat, MetricsAt};

/// mimalloc rather than glibc's malloc: rendering a page makes hundreds of small allocations,
/// which took a quarter of the server's CPU under glibc (perf, scripts/bench.sh's page scenarios).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Run by a password hashing thread once it has given its 19 MiB back after a burst: mimalloc
/// returns freed memory to the system a while later, on a later call of the freeing thread, and
/// an idle hashing thread makes none (RSS a minute after 200 parallel logins: 66.7 MB without
/// this). Purging at once on every free instead cost the login page 15% of its rate (madvise
/// calls; 22,000/s against 26,000/s).
fn return_freed_memory() {
    // SAFETY: collects the calling thread's heap and purges what the arenas hold freed; no
    // pointer crosses the boundary.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// No transparent huge pages for this process. mimalloc asks the kernel for them on its arena
/// (`madvise`, its `allow_thp` option, read before `main` runs), and the kernel then backs a
/// whole 2 MiB range once any page of it is used and fills in again what mimalloc gave back.
/// RSS 45 s after 200 sign-ups and 200 parallel logins: 80 MB with them (16 MB of the arena in
/// huge pages), 38 MB without; live heap then is about 7 MB (heaptrack).
fn no_transparent_huge_pages() {
    // SAFETY: prctl with integer arguments only; it sets a flag of this process.
    if unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) } != 0 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "transparent huge pages stay on: the memory given back after a burst may stay resident"
        );
    }
}

/// Text for people, or one JSON object a line for log shippers; every line of a request carries
/// its request id (see `request_id`).
fn start_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only for a person at a terminal who did not ask for none (NO_COLOR, which an
    // explicit `with_ansi` would override): a file or a journal would keep the escape codes, and
    // styling every span's fields cost the session check 2% of its instructions (callgrind).
    let colours =
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colours);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().with_current_span(false).with_span_list(true).init(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    start_logging(cli.config.log_format);
    no_transparent_huge_pages();
    app::backend::crypto::passwords::after_memory_released(return_freed_memory);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = cli.config;
    match cli.command {
        Some(Command::Migrate) => {
            server::storage::connect(&config.database_url, 1).await?;
            tracing::info!("database is up to date");
            return Ok(());
        }
        Some(Command::RotateKey) => {
            let (id, changed) = server::rotation::rotate_key(&config).await?;
            tracing::info!(
                key_id = id,
                secrets = changed,
                "data key rotated: give every instance the new key file"
            );
            return Ok(());
        }
        Some(Command::Cleanup) => {
            let db = server::storage::connect(&config.database_url, 1).await?;
            let deleted =
                app::backend::upkeep::cleanup::delete_expired(&db, app::backend::unix_now()).await?;
            tracing::info!(deleted, "expired rows deleted");
            return Ok(());
        }
        Some(Command::Admin { action }) => {
            let state = server::app_state_for_command(&config).await?;
            let now = app::backend::unix_now();
            println!("{}", server::admin::run(&state, action, now).await?);
            return Ok(());
        }
        Some(Command::Serve) | None => {}
    }
    if let Some(refusal) = config.refusal() {
        return Err(refusal.into());
    }
    let state = server::app_state(&config).await?;
    let db = state.db.clone();
    let mailer = server::mail::Mailer::from_config(&config)?;
    tracing::info!("security mails are sent {}", server::mail::Mailer::describe(&config));
    tracing::info!("{}", server::sms::describe(&config));
    tokio::spawn(server::delete_expired_periodically(state.db.clone()));
    tokio::spawn(server::mail::deliver_periodically(state.clone(), mailer));
    // On SIGTERM or SIGINT: first the drain (everything served, `/readyz` 503), then no new
    // connections while requests in flight finish, up to the grace.
    let draining = server::health::Draining::default();
    let router = |state, with_metrics| {
        server::routing::serving(state, server::leptos_options(&config), with_metrics, draining.clone())
    };
    let app = match config.metrics_addr {
        MetricsAt::Main => router(state, true),
        MetricsAt::Off => router(state, false),
        MetricsAt::Address(address) => {
            // The default address may be taken (a second instance on one machine): the WebApp
            // serves on, without metrics, and says so.
            match tokio::net::TcpListener::bind(address).await {
                Ok(listener) => {
                    tracing::info!("metrics on http://{address}/metrics");
                    let metrics = server::routing::metrics_router(db.clone());
                    tokio::spawn(async move {
                        if let Err(error) = axum::serve(listener, metrics).await {
                            tracing::error!(%error, "the metrics listener stopped");
                        }
                    });
                }
                Err(error) => {
                    tracing::error!(%address, %error, "metrics not served: their address cannot be listened on")
                }
            }
            router(state, false)
        }
    };
    // Pages stream in several writes: without TCP_NODELAY, Nagle's algorithm and delayed ACKs
    // held every response ~40 ms.
    let listener = tokio::net::TcpListener::bind(config.site_addr).await?.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
    });
    tracing::info!("listening on http://{}", config.site_addr);
    let drain = std::time::Duration::from_secs(config.drain_secs);
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    let serving = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            draining.begin();
            tracing::info!(
                drain_secs = drain.as_secs(),
                "draining: /readyz answers 503, everything else is served"
            );
            tokio::select! {
                () = tokio::time::sleep(drain) => {}
                () = shutdown_signal() => tracing::info!("a second signal: the drain ends now"),
            }
            tracing::info!("shutting down: finishing the requests in flight");
            let _ = stopping_tx.send(true);
        })
        .into_future();
    let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
    let grace_over = async move {
        let mut stopping = stopping;
        let _ = stopping.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        served = serving => served?,
        () = grace_over => tracing::warn!(grace_secs = grace.as_secs(), "requests still in flight after the grace period; exiting"),
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
