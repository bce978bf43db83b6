//! The authenticator's secrets: `totp_pending` (a setup's secret, of the session that began it,
//! until its first code) and `totp_credentials` (the account's secret while 2FA is on). Both
//! hold secrets sealed under the data key.

use super::Db;
use crate::backend::crypto::totp::TotpStep;
use crate::backend::ids::{SessionId, UserId};
use crate::error::AppError;

#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub secret: Vec<u8>,
    pub created_at: i64,
}

/// Deletes the session's pending secret when it was made at `expired_at` or before.
pub async fn delete_expired_pending_of_session<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    expired_at: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM totp_pending WHERE session_id = $1 AND created_at <= $2")
        .bind(session_id)
        .bind(expired_at)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores a pending secret for the session unless it has one; answers whether this one was stored.
pub async fn insert_pending<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
) -> Result<bool, AppError> {
    let made = sqlx::query(
        "INSERT INTO totp_pending (session_id, user_id, secret, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id) DO NOTHING",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(made.rows_affected() == 1)
}

/// The session's pending secret, when made after `expired_at`.
pub async fn pending_of_session<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    expired_at: i64,
) -> Result<Option<Pending>, AppError> {
    Ok(sqlx::query_as("SELECT secret, created_at FROM totp_pending WHERE session_id = $1 AND user_id = $2 AND created_at > $3")
        .bind(session_id)
        .bind(user_id)
        .bind(expired_at)
        .fetch_optional(db)
        .await?)
}

pub async fn delete_pending_of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM totp_pending WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

pub async fn delete_expired_pending<'e>(db: impl Db<'e>, expired_at: i64) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM totp_pending WHERE created_at <= $1")
        .bind(expired_at)
        .execute(db)
        .await?
        .rows_affected())
}

#[derive(Debug, sqlx::FromRow)]
pub struct PendingRow {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub secret: Vec<u8>,
}

pub async fn all_pending<'e>(db: impl Db<'e>) -> Result<Vec<PendingRow>, AppError> {
    Ok(sqlx::query_as("SELECT session_id, user_id, secret FROM totp_pending").fetch_all(db).await?)
}

pub async fn set_pending_secret<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    sealed: &[u8],
) -> Result<(), AppError> {
    sqlx::query("UPDATE totp_pending SET secret = $1 WHERE session_id = $2")
        .bind(sealed)
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The account's authenticator: its sealed secret and the last time step it accepted.
#[derive(Debug, sqlx::FromRow)]
pub struct Credential {
    pub user_id: UserId,
    pub secret: Vec<u8>,
    pub enabled_at: i64,
    pub last_step: TotpStep,
}

pub async fn credential<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Option<Credential>, AppError> {
    Ok(sqlx::query_as(
        "SELECT user_id, secret, enabled_at, last_step FROM totp_credentials WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?)
}

/// When 2FA was turned on, if it is, and how many backup codes are unused: in one statement, as
/// the Security page shows both on every view.
pub async fn status<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(Option<i64>, i64), AppError> {
    Ok(sqlx::query_as(
        "SELECT (SELECT enabled_at FROM totp_credentials WHERE user_id = $1),
                (SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL)",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?)
}

pub async fn all_credentials<'e>(db: impl Db<'e>) -> Result<Vec<Credential>, AppError> {
    Ok(sqlx::query_as("SELECT user_id, secret, enabled_at, last_step FROM totp_credentials")
        .fetch_all(db)
        .await?)
}

/// Turns 2FA on with `sealed`, the code of `step` used; `false` when it already was on.
pub async fn insert_credential<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
    step: TotpStep,
) -> Result<bool, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO totp_credentials (user_id, secret, enabled_at, last_step) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .bind(step)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Records `step` as used when it is later than every step used before, in one statement: of
/// two parallel submissions of one code, exactly one gets `true` (RFC 6238 §5.2).
pub async fn use_step<'e>(db: impl Db<'e>, user_id: UserId, step: TotpStep) -> Result<bool, AppError> {
    let accepted =
        sqlx::query("UPDATE totp_credentials SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(db)
            .await?;
    Ok(accepted.rows_affected() == 1)
}

pub async fn set_credential_secret<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    sealed: &[u8],
) -> Result<(), AppError> {
    sqlx::query("UPDATE totp_credentials SET secret = $1 WHERE user_id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_credential<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM totp_credentials WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}
