//! `access_codes` (temporary access codes, kept as SHA-256, with who gave them and why) and
//! `setup_only_sessions` (sessions an access code started: nothing but a new 2FA setup).

use super::Db;
use crate::backend::ids::{SessionId, UserId};
use crate::error::AppError;

pub struct NewAccessCode<'a> {
    pub user_id: UserId,
    pub code_hash: &'a str,
    pub given_by: &'a str,
    pub reason: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

pub async fn insert<'e>(db: impl Db<'e>, code: &NewAccessCode<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO access_codes (user_id, code_hash, given_by, reason, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(code.user_id)
    .bind(code.code_hash)
    .bind(code.given_by)
    .bind(code.reason)
    .bind(code.created_at)
    .bind(code.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the account's live, unused code of `code_hash` used at `now`; answers whether there was
/// one. Of two uses at once, the database lets one win.
pub async fn take<'e>(db: impl Db<'e>, user_id: UserId, code_hash: &str, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE access_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .bind(code_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends the account's codes not yet used (a new one replaces them).
pub async fn expire_unused<'e>(db: impl Db<'e>, user_id: UserId, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE access_codes SET expires_at = $1 WHERE user_id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mark_setup_only<'e>(
    db: impl Db<'e>,
    session: &SessionId,
    user_id: UserId,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO setup_only_sessions (session_id, user_id) VALUES ($1, $2)")
        .bind(session.as_str())
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every session of the account, from now on, is held to a new setup (an administrator's
/// "Require 2FA setup again").
pub async fn require_setup<'e>(db: impl Db<'e>, user_id: UserId, now: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO setup_required_accounts (user_id, since) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
        .bind(user_id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// The account's sessions are no longer held to the setup (it is done).
pub async fn end_setup_only(conn: &mut sqlx::AnyConnection, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM setup_only_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM setup_required_accounts WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether an administrator sent the account back to the setup and it is not yet done.
pub async fn is_setup_required<'e>(db: impl Db<'e>, user_id: UserId) -> Result<bool, AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM setup_required_accounts WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}
