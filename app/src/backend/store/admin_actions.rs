//! `admin_actions`: what administrators did to an account, who, when and why. Only inserted.

use super::Db;
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
