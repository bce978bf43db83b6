//! The `administrators` table: which accounts are administrators, since when. Written only by
//! the command line (`account::administrators`, called from `server admin`).

use super::Db;
use crate::backend::ids::UserId;
use crate::error::AppError;

/// Makes the account an administrator; answers false when it was one already.
pub async fn insert<'e>(db: impl Db<'e>, user_id: UserId, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO administrators (user_id, granted_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the role away; answers false when the account had none.
pub async fn delete<'e>(db: impl Db<'e>, user_id: UserId) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM administrators WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

/// Accounts without any second factor, oldest first: email and when made.
pub async fn accounts_without_two_factor<'e>(db: impl Db<'e>) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT u.email, u.created_at FROM users u
         WHERE NOT EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM sms_numbers s WHERE s.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)
         ORDER BY u.created_at, u.email",
    )
    .fetch_all(db)
    .await?)
}

/// An administrator as `server admin list` prints it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdministratorRow {
    pub email: String,
    pub granted_at: i64,
    /// How many second-factor methods the account has (0: no 2FA).
    pub methods: i64,
}

pub async fn all<'e>(db: impl Db<'e>) -> Result<Vec<AdministratorRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT u.email, a.granted_at,
            (SELECT COUNT(*) FROM totp_credentials t WHERE t.user_id = u.id)
            + (SELECT COUNT(*) FROM sms_numbers s WHERE s.user_id = u.id)
            + (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS methods
         FROM administrators a JOIN users u ON u.id = a.user_id ORDER BY u.email",
    )
    .fetch_all(db)
    .await?)
}
