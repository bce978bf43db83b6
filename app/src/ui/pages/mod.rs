//! The server-rendered pages: HTML whose forms post to server functions and are redirected back.
//! Nothing here runs in the browser; a page that holds an island renders `IslandScripts`.

pub mod account_settings;
pub mod admin;
pub mod app_shell;
pub mod code_prompt;
pub mod email_links;
pub mod inbox;
pub mod language_menu;
pub mod login;
pub mod not_found;
pub mod passkeys;
pub mod settings;
pub mod setup_required;
pub mod signup;
pub mod unavailable;
