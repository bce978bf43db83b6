//! The `users` table.

use sqlx::AnyPool;

use crate::account::AccountOverview;
use crate::error::AppError;

pub struct Account {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
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
    let row = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, email, password_hash FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(db)
    .await
    .map_err(|e| AppError::internal("looking up an account failed", e))?;
    Ok(row.map(|(id, email, password_hash)| Account { id, email, password_hash }))
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
    let (id, email, password_hash) = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, email, password_hash FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db)
    .await
    .map_err(|e| AppError::internal("loading an account failed", e))?;
    Ok(Account { id, email, password_hash })
}
