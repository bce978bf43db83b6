//! The server-only domain layer, compiled only with `ssr` so none of it reaches the WASM bundle.
//! Folders by reason to change, lowest layer first; a module imports only from its own layer
//! or a lower one (`scripts/check_layers.py`, in the test command, checks it):
//!
//! - `crypto/`, `time`, `telemetry`: pure functions and the metrics facade. No SQL, no flow.
//! - the base: `ids` (identifiers that must not be mixed up), `caller` (who is calling, built
//!   once per request), `state` (the database, the settings and the way out for texts), `sms/`
//!   (a mobile number, a texted code's words, and the interface every way out implements),
//!   `run_to_end` (a check finished even when its browser goes away).
//! - `store/`: one module per table or group of tables, the only place their SQL lives.
//! - `sessions` (lifetimes, the authentication epoch), `throttle` (guessing limits),
//!   `password_check` (the password asked again before a change).
//! - `mail/`: what each security mail says and when (`notices`), its words and HTML
//!   (`letters`), and the queue it waits in (`outbox`).
//! - `second_factor/`: the second factor, one module per method behind one door (`mod.rs`).
//! - `account/`: the flows of an account: sign-up and login, its address, "Forgot password?",
//!   a new password and closing, the list of its sessions.
//! - `upkeep/`: what runs besides requests: cleanup, key rotation.
//!
//! Request plumbing (client address, headers) lives beside the server functions, in
//! `api::context`. `docs/architecture.md` has the map.

pub mod account;
pub mod caller;
pub mod crypto;
pub mod ids;
pub mod mail;
pub mod password_check;
pub mod run_to_end;
pub mod second_factor;
pub mod sessions;
pub mod sms;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod throttle;
pub mod time;
pub mod upkeep;

pub use state::{AppState, Settings};
pub use time::unix_now;
