//! The server's integration tests, as one test binary: each module drives the WebApp through its
//! router or as a running process, on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL.
//! One binary instead of one per file keeps the build's disk use and link time down.

// Each module uses its own part of the shared helpers.
#[allow(dead_code)]
mod common;

mod access_codes;
mod account_management;
mod accounts;
mod admin_console;
mod administrators;
mod attacks;
mod attacks_round3;
mod bad_input;
mod browser_security;
mod crash;
mod email_links;
mod first_visit_pages;
mod http_api;
mod instances;
mod key_rotation;
mod languages;
mod logs;
mod mail;
mod operations;
mod page_rendering;
mod passkeys;
mod plain_forms;
mod security_proofs;
mod sms;
mod sms_providers;
mod throttling;
mod two_factor_login;
mod two_factor_policy;
mod two_factor_setup;
