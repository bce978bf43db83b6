//! The WebApp: pages, components, server functions and the types they share.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod api;
#[cfg(feature = "ssr")]
pub mod cookie_header;
pub mod dates;
pub mod error;
pub mod i18n;
pub mod passkeys;
pub mod security_events;
pub mod text_codec;
pub mod two_factor;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use error::AppError;
#[cfg(feature = "ssr")]
pub use ui::shell;
pub use ui::App;
