//! The `email_links` table: tokens of links sent by mail, kept as their SHA-256.

use super::Db;
use crate::backend::ids::{LinkId, UserId};
use crate::error::AppError;

/// How long a link works: a confirmation link a day, a reset link half an hour.
pub const CONFIRM_LINK_SECS: i64 = 24 * 60 * 60;
pub const RESET_LINK_SECS: i64 = 30 * 60;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirm_email",
            Purpose::ResetPassword => "reset_password",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Link {
    pub user_id: UserId,
    pub email: String,
    pub created_at: i64,
}

pub async fn insert<'e>(
    db: impl Db<'e>,
    id: &LinkId,
    user_id: UserId,
    purpose: Purpose,
    email: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO email_links (id, user_id, purpose, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(email)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The live link `id` for `purpose`, without using it up.
pub async fn find<'e>(
    db: impl Db<'e>,
    id: &LinkId,
    purpose: Purpose,
    now: i64,
) -> Result<Option<Link>, AppError> {
    Ok(sqlx::query_as(
        "SELECT user_id, email, created_at FROM email_links WHERE id = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(id)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Whether the link `id` (of any purpose) is still live at `now`.
pub async fn is_live<'e>(db: impl Db<'e>, id: &LinkId, now: i64) -> Result<bool, AppError> {
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_links WHERE id = $1 AND expires_at > $2")
        .bind(id)
        .bind(now)
        .fetch_one(db)
        .await?;
    Ok(live > 0)
}

/// Uses the live link `id` up: of two uses at once, one gets it.
pub async fn take<'e>(
    db: impl Db<'e>,
    id: &LinkId,
    purpose: Purpose,
    now: i64,
) -> Result<Option<Link>, AppError> {
    Ok(sqlx::query_as(
        "DELETE FROM email_links WHERE id = $1 AND purpose = $2 AND expires_at > $3
         RETURNING user_id, email, created_at",
    )
    .bind(id)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// When the account's newest link for `purpose` was made, if it has one alive.
pub async fn newest<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    purpose: Purpose,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(created_at) FROM email_links WHERE user_id = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_one(db)
    .await?)
}

/// Deletes the account's links for `purpose`.
pub async fn delete_of_account<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    purpose: Purpose,
) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM email_links WHERE user_id = $1 AND purpose = $2")
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired<'e>(db: impl Db<'e>, now: i64) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM email_links WHERE expires_at <= $1").bind(now).execute(db).await?;
    Ok(done.rows_affected())
}
