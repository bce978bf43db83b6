#![recursion_limit = "256"]
//! The WebApp server: configuration, storage and routing around the `app` crate.

pub mod admin;
pub mod api_errors;
pub mod caching;
pub mod config;
pub mod cross_site;
pub mod first_visit;
pub mod health;
pub mod leptos_tasks;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod request_id;
pub mod rotation;
pub mod routing;
pub mod security_headers;
pub mod session_check;
pub mod sms;
pub mod storage;

use std::sync::Arc;

use app::backend::{AppState, Settings};
use leptos::config::LeptosOptions;

use config::Config;

/// Connections per server instance; SQLite serialises writes anyway, PostgreSQL shares its
/// limit among all instances.
const MAX_DB_CONNECTIONS: u32 = 10;

pub fn leptos_options(config: &Config) -> LeptosOptions {
    let mut options = LeptosOptions::builder()
        .output_name(config.output_name.as_str())
        .site_root(config.site_root.as_str())
        .site_pkg_dir(config.site_pkg_dir.as_str())
        .site_addr(config.site_addr)
        .build();
    // A release build by cargo-leptos leaves the bundle's hashes beside the binary.
    options.hash_files = app::ui::bundle::hash_file_path(&options).is_some_and(|path| path.is_file());
    options
}

/// Why the server cannot start serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    #[error(transparent)]
    Sms(#[from] sms::SmsConfigError),
    #[error("the 2FA policy could not be read or written in the database")]
    Policy,
}

/// Opens storage, reads the key and readies the way out for texts: everything a request needs.
/// A serving instance begins or ends `--require-two-factor` as configured.
pub async fn app_state(config: &Config) -> Result<AppState, StartError> {
    state_of(config, true).await
}

/// The same for a command such as `server admin …`, which finds the 2FA policy as the serving
/// instances left it and changes nothing of it.
pub async fn app_state_for_command(config: &Config) -> Result<AppState, StartError> {
    state_of(config, false).await
}

async fn state_of(config: &Config, serving: bool) -> Result<AppState, StartError> {
    use app::backend::account::two_factor_policy;
    let data_key = storage::load_or_create_key(&config.key_file)?;
    let texts = sms::sender_from_config(config)?;
    let db = storage::connect(&config.database_url, MAX_DB_CONNECTIONS).await?;
    let grace_days = config.two_factor_grace_days;
    let two_factor_policy = match serving {
        true => {
            let now = app::backend::unix_now();
            two_factor_policy::at_start(&db, config.require_two_factor, grace_days, now).await
        }
        false => two_factor_policy::in_force(&db, grace_days).await,
    }
    .map_err(|_| StartError::Policy)?;
    Ok(AppState {
        db,
        texts,
        settings: Arc::new(Settings {
            issuer: config.issuer.clone(),
            secure_cookies: config.secure_cookies,
            trusted_proxies: config.trusted_proxies.clone(),
            data_key,
            public_url: config.public_url(),
            sms_daily_limit: config.sms_daily_limit,
            sms_calling_codes: config.sms_countries.clone(),
            two_factor_policy,
        }),
    })
}

/// Deletes expired rows every few minutes, for as long as the server runs. A failure is logged
/// and tried again at the next turn.
pub async fn delete_expired_periodically(db: sqlx::AnyPool) {
    use app::backend::upkeep::cleanup;
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(cleanup::INTERVAL_SECS));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match cleanup::delete_expired(&db, app::backend::unix_now()).await {
            Ok(deleted) if deleted > 0 => tracing::info!(deleted, "expired rows deleted"),
            Ok(_) => {}
            Err(_) => tracing::warn!("deleting expired rows failed; trying again later"),
        }
    }
}
