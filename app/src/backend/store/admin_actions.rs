//! `admin_actions`: what administrators did to an account, who, when and why. Only inserted.

use super::Db;
use crate::admin::AdminActionRecord;
use crate::backend::ids::UserId;
use crate::error::AppError;

pub async fn insert<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    action: &str,
    given_by: &str,
    reason: &str,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO admin_actions (user_id, action, given_by, reason, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(action)
    .bind(given_by)
    .bind(reason)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// How many actions an account's admin page shows, newest first.
pub const RECENT_ACTIONS: i64 = 50;

pub async fn of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Vec<AdminActionRecord>, AppError> {
    Ok(sqlx::query_as(
        "SELECT action, given_by, reason, at FROM admin_actions WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(RECENT_ACTIONS)
    .fetch_all(db)
    .await?)
}
