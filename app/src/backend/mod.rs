//! The server-only domain layer, compiled only with `ssr` so none of it reaches the WASM bundle.
//! Three layers:
//!
//! - the flows, in this folder: `login` (sign up, log in, the second step, log out),
//!   `enrolment` (2FA on, new backup codes, another phone, 2FA off), `proofs` (checking a code or
//!   a backup code), `sessions` (lifetimes and the authentication epoch), `throttle` (guessing
//!   limits), `cleanup` and `key_rotation`; `notices` says what each security mail tells the holder. A flow takes the `Caller` and calls the two layers
//!   below, and owns the transactions.
//! - `store/`: one module per table or group of tables, the only place their SQL lives.
//! - `crypto/`: TOTP, sealing, password hashing, backup codes, session tokens, device cookies, QR.
//!
//! Request plumbing (cookies, client address, headers) lives beside the server functions, in
//! `api::context`. `docs/architecture.md` has the map.

pub mod account_changes;
pub mod account_sessions;
pub mod address;
pub mod caller;
pub mod cleanup;
pub mod crypto;
pub mod enrolment;
pub mod ids;
pub mod key_rotation;
pub mod login;
pub mod notices;
pub mod outbox;
pub mod password_reset;
pub mod proofs;
pub mod remembered;
pub mod sessions;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod throttle;

pub use state::{AppState, Settings};

/// Seconds since the Unix epoch: the clock every time-dependent rule takes as a parameter.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
