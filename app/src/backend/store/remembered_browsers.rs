//! The `remembered_browsers` table: browsers that skip the code prompt, kept as the SHA-256 of
//! their cookie's token.

use super::Db;
use crate::backend::ids::{AuthEpoch, LinkId, UserId};
use crate::error::AppError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RememberedRow {
    pub id: LinkId,
    pub user_id: UserId,
    pub auth_epoch: AuthEpoch,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

const COLUMNS: &str = "id, user_id, auth_epoch, user_agent, ip, created_at, expires_at";

pub async fn insert<'e>(db: impl Db<'e>, row: &RememberedRow) -> Result<(), AppError> {
    sqlx::query(&format!("INSERT INTO remembered_browsers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
        .bind(&row.id)
        .bind(row.user_id)
        .bind(row.auth_epoch)
        .bind(&row.user_agent)
        .bind(&row.ip)
        .bind(row.created_at)
        .bind(row.expires_at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn find<'e>(db: impl Db<'e>, id: &LinkId) -> Result<Option<RememberedRow>, AppError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM remembered_browsers WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// The account's live remembered browsers, newest first.
pub async fn of_user<'e>(db: impl Db<'e>, user_id: UserId, now: i64) -> Result<Vec<RememberedRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM remembered_browsers WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC"
    ))
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// Forgets the browser `id` when it is the account's; answers whether it was.
pub async fn delete_of_user<'e>(db: impl Db<'e>, user_id: UserId, id: &LinkId) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM remembered_browsers WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_all_of_user<'e>(db: impl Db<'e>, user_id: UserId) -> Result<u64, AppError> {
    let done =
        sqlx::query("DELETE FROM remembered_browsers WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired<'e>(db: impl Db<'e>, now: i64) -> Result<u64, AppError> {
    let done =
        sqlx::query("DELETE FROM remembered_browsers WHERE expires_at <= $1").bind(now).execute(db).await?;
    Ok(done.rows_affected())
}
