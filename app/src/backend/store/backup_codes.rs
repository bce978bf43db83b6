//! `backup_codes` (argon2id hashes, each used once) and `backup_code_downloads` (a fresh set,
//! sealed, downloadable for a few minutes by the session that made it).

use super::Db;
use crate::backend::ids::{SessionId, UserId};
use crate::error::AppError;

#[derive(Debug, sqlx::FromRow)]
pub struct UnusedCode {
    pub id: i64,
    pub code_hash: String,
}

pub async fn unused<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Vec<UnusedCode>, AppError> {
    Ok(sqlx::query_as("SELECT id, code_hash FROM backup_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_all(db)
        .await?)
}

/// How many of the account's backup codes are still unused.
pub async fn unused_count<'e>(db: impl Db<'e>, user_id: UserId) -> Result<u32, AppError> {
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok(left as u32)
}

/// Marks a code used unless it already is, in one statement: of two parallel uses, one wins.
pub async fn mark_used<'e>(db: impl Db<'e>, id: i64, now: i64) -> Result<bool, AppError> {
    let used = sqlx::query("UPDATE backup_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(used.rows_affected() == 1)
}

pub async fn delete_all<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM backup_codes WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

pub async fn insert<'e>(db: impl Db<'e>, user_id: UserId, code_hash: &str) -> Result<(), AppError> {
    sqlx::query("INSERT INTO backup_codes (user_id, code_hash) VALUES ($1, $2)")
        .bind(user_id)
        .bind(code_hash)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub struct Download {
    pub codes: Vec<u8>,
    pub created_at: i64,
}

pub async fn delete_download_of_session<'e>(db: impl Db<'e>, session_id: &SessionId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM backup_code_downloads WHERE session_id = $1")
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_download<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO backup_code_downloads (session_id, user_id, codes, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn download_of_session<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
) -> Result<Option<Download>, AppError> {
    Ok(sqlx::query_as(
        "SELECT codes, created_at FROM backup_code_downloads WHERE session_id = $1 AND user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?)
}

pub async fn delete_downloads_of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM backup_code_downloads WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

pub async fn delete_expired_downloads<'e>(db: impl Db<'e>, expired_at: i64) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM backup_code_downloads WHERE created_at <= $1")
        .bind(expired_at)
        .execute(db)
        .await?
        .rows_affected())
}

#[derive(Debug, sqlx::FromRow)]
pub struct DownloadRow {
    pub session_id: SessionId,
    pub codes: Vec<u8>,
}

pub async fn all_downloads<'e>(db: impl Db<'e>) -> Result<Vec<DownloadRow>, AppError> {
    Ok(sqlx::query_as("SELECT session_id, codes FROM backup_code_downloads").fetch_all(db).await?)
}

pub async fn set_download<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    sealed: &[u8],
) -> Result<(), AppError> {
    sqlx::query("UPDATE backup_code_downloads SET codes = $1 WHERE session_id = $2")
        .bind(sealed)
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}
