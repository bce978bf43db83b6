//! The 2FA island: `two_factor_controls` (the switch, hydrated in the browser) and the modals it
//! mounts when they open (`two_factor_setup`, `two_factor_manage`, with `modal`, `key_panel` and
//! `backup_codes_panel`). Its words come from the server as a prop (`island_text`); it reaches
//! the server only through `calls`, and the browser's own APIs through `browser`. Everything
//! here is compiled into the WASM bundle: keep it small (tests/budgets.spec.ts).

pub mod authenticator_steps;
pub mod backup_codes_panel;
pub mod browser;
pub mod calls;
pub mod island_text;
pub mod key_panel;
pub mod modal;
pub mod sms_steps;
pub mod two_factor_controls;
pub mod two_factor_manage;
pub mod two_factor_setup;
