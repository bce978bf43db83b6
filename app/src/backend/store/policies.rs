//! The `policies` table: each server-wide policy in force, and since when.

use super::Db;
use crate::error::AppError;

/// Records that `name` holds from `now` on, unless it held already; answers since when it holds.
pub async fn begin<'e, E: Db<'e> + Copy>(db: E, name: &str, now: i64) -> Result<i64, AppError> {
    sqlx::query("INSERT INTO policies (name, since) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(now)
        .execute(db)
        .await?;
    Ok(sqlx::query_scalar("SELECT since FROM policies WHERE name = $1").bind(name).fetch_one(db).await?)
}

/// Since when `name` holds, if it does.
pub async fn since<'e>(db: impl Db<'e>, name: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT since FROM policies WHERE name = $1").bind(name).fetch_optional(db).await?)
}

/// Records that `name` no longer holds.
pub async fn end<'e>(db: impl Db<'e>, name: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM policies WHERE name = $1").bind(name).execute(db).await?;
    Ok(())
}
