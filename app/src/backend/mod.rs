//! Server-only domain layer: storage, hashing and session handling. Compiled only with `ssr`,
//! so none of it reaches the WASM bundle.

pub mod accounts;
pub mod audit;
pub mod backup_codes;
pub mod caller;
pub mod cleanup;
pub mod context;
pub mod devices;
pub mod key_rotation;
pub mod login;
pub mod passwords;
pub mod qr;
pub mod sealing;
pub mod second_factor;
pub mod sessions;
pub mod state;
pub mod throttle;
pub mod totp;
pub mod two_factor;

pub use state::{AppState, Settings};

/// Maps a database failure to the generic error, logging it with `context`.
pub(crate) fn db_error(context: &'static str) -> impl Fn(sqlx::Error) -> crate::error::AppError {
    move |e| crate::error::AppError::internal(context, e)
}

/// Seconds since the Unix epoch: the clock every time-dependent rule takes as a parameter.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
