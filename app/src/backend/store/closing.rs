//! Closing an account: its rows in every table, deleted in one transaction. The one place that
//! deletes from `security_events`, which allows it only for an account marked as closing.

use super::Db;
use crate::backend::ids::{AuthEpoch, UserId};
use crate::error::AppError;

/// Marks the account as closing, when it is still at `epoch`: from here on its history may be
/// deleted.
pub async fn mark<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    epoch: AuthEpoch,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE users SET closing_at = $1 WHERE id = $2 AND auth_epoch = $3 AND closing_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(epoch)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The tables holding rows of an account by its `user_id`, children before parents.
pub const TABLES_BY_USER: [&str; 20] = [
    "setup_required_accounts",
    "admin_actions",
    "setup_only_sessions",
    "access_codes",
    "administrators",
    "backup_code_downloads",
    "passkey_challenges",
    "passkeys",
    "passkey_handles",
    "totp_pending",
    "sms_codes",
    "sms_pending_numbers",
    "sms_numbers",
    "sessions",
    "totp_credentials",
    "backup_codes",
    "remembered_browsers",
    "email_links",
    "security_events",
    "users",
];

/// Deletes the account's rows of `table` (one of `TABLES_BY_USER`); answers how many.
pub async fn delete_rows<'e>(db: impl Db<'e>, table: &str, user_id: UserId) -> Result<u64, AppError> {
    if !TABLES_BY_USER.contains(&table) {
        return Err(AppError::internal("closing an account", format!("unknown table {table}")));
    }
    let column = if table == "users" { "id" } else { "user_id" };
    let done =
        sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1")).bind(user_id).execute(db).await?;
    Ok(done.rows_affected())
}

/// How many mails wait for `recipient`: a closed account's address stays in the queue until
/// they have gone out (the sending worker deletes each one sent).
pub async fn mails_to<'e>(db: impl Db<'e>, recipient: &str) -> Result<u64, AppError> {
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1")
        .bind(recipient)
        .fetch_one(db)
        .await?;
    Ok(u64::try_from(waiting).unwrap_or_default())
}

/// Deletes the guessing counter of `scope`.
pub async fn delete_counter<'e>(db: impl Db<'e>, scope: &str) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM attempt_limits WHERE scope = $1").bind(scope).execute(db).await?;
    Ok(done.rows_affected())
}

/// After a closing, on SQLite: moves every page out of the write-ahead log and empties it, so the
/// deleted rows (overwritten in the file by `secure_delete`) leave no older copy there either.
/// Best effort: a reader in the middle of a read keeps its pages until the next checkpoint.
pub async fn scrub(db: &sqlx::AnyPool) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    if conn.backend_name() == "SQLite" {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    }
    Ok(())
}
