//! The `users` table.
//!
//! `auth_epoch` counts the changes to how the account logs in; each session carries the epoch
//! it was started under (see `sessions::new_epoch`).

use sqlx::AnyPool;

use crate::account::AccountOverview;
use crate::error::AppError;

pub struct Account {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    /// Read in the same statement as `two_factor_on`: a session started from this reading
    /// carries this epoch, so it cannot outlive a change that made the reading stale.
    pub auth_epoch: i64,
    pub two_factor_on: bool,
}

type AccountRow = (i64, String, String, i64, i64);

const SELECT_ACCOUNT: &str = "SELECT u.id, u.email, u.password_hash, u.auth_epoch,
    (SELECT COUNT(*) FROM totp_credentials t WHERE t.user_id = u.id) FROM users u";

fn account_of((id, email, password_hash, auth_epoch, credentials): AccountRow) -> Account {
    Account { id, email, password_hash, auth_epoch, two_factor_on: credentials > 0 }
}

/// Inserts an account; an email already present is `EmailTaken`, decided by the database's
/// unique index so that two simultaneous sign-ups cannot both succeed.
pub async fn insert(db: &AnyPool, email: &str, password_hash: &str, now: i64) -> Result<i64, AppError> {
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(now)
    .fetch_one(db)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::EmailTaken),
        Err(e) => Err(AppError::internal("inserting an account failed", e)),
    }
}

pub async fn find_by_email(db: &AnyPool, email: &str) -> Result<Option<Account>, AppError> {
    let row = sqlx::query_as::<_, AccountRow>(&format!("{SELECT_ACCOUNT} WHERE u.email = $1"))
        .bind(email)
        .fetch_optional(db)
        .await
        .map_err(|e| AppError::internal("looking up an account failed", e))?;
    Ok(row.map(account_of))
}

pub async fn overview(db: &AnyPool, user_id: i64) -> Result<AccountOverview, AppError> {
    let (email, created_at) =
        sqlx::query_as::<_, (String, i64)>("SELECT email, created_at FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db)
            .await
            .map_err(|e| AppError::internal("loading an account failed", e))?;
    Ok(AccountOverview { email, created_at })
}

pub async fn find_by_id(db: &AnyPool, user_id: i64) -> Result<Account, AppError> {
    sqlx::query_as::<_, AccountRow>(&format!("{SELECT_ACCOUNT} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_one(db)
        .await
        .map(account_of)
        .map_err(|e| AppError::internal("loading an account failed", e))
}
