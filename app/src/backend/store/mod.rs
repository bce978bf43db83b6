//! The database, one module per table or group of tables: the only place their SQL lives.
//!
//! Each function is one statement and takes any executor, the pool or a transaction, so that a
//! flow can run several in one transaction. A database failure becomes `AppError::Internal`
//! through `From<sqlx::Error>` (logged, never shown); the few that a user can act on, such as
//! a taken email, are mapped here.

use crate::error::AppError;

pub mod access_codes;
pub mod admin_accounts;
pub mod admin_actions;
pub mod administrators;
pub mod attempt_limits;
pub mod backup_codes;
pub mod closing;
pub mod email_links;
pub mod outbox;
pub mod passkeys;
pub mod policies;
pub mod remembered_browsers;
pub mod security_events;
pub mod sessions;
pub mod sms;
pub mod totp;
pub mod users;

/// Any executor of the `Any` driver: `&AnyPool`, `&mut AnyConnection`, `&mut *tx`.
pub trait Db<'e>: sqlx::Executor<'e, Database = sqlx::Any> {}
impl<'e, E: sqlx::Executor<'e, Database = sqlx::Any>> Db<'e> for E {}

/// A transaction that is to write: on SQLite it takes the write lock as it begins (`BEGIN
/// IMMEDIATE`), because a deferred one that read first and then writes after another connection
/// wrote fails at once (`SQLITE_BUSY_SNAPSHOT`) instead of waiting. PostgreSQL locks the rows it
/// updates and needs nothing more.
pub async fn begin_write(
    conn: &mut sqlx::AnyConnection,
) -> Result<sqlx::Transaction<'_, sqlx::Any>, AppError> {
    use sqlx::Connection;
    let immediate = conn.backend_name() == "SQLite";
    Ok(if immediate { conn.begin_with("BEGIN IMMEDIATE").await? } else { conn.begin().await? })
}
