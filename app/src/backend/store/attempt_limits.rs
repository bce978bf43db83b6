//! The `attempt_limits` table: one counter per scope, shared by every server instance. `version`
//! makes each update a compare-and-swap (see `throttle`).

use super::Db;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct Counter {
    pub failures: i64,
    pub locked_until: i64,
    pub day_start: i64,
    pub day_failures: i64,
}

#[derive(Debug, sqlx::FromRow)]
pub struct VersionedCounter {
    #[sqlx(flatten)]
    pub counter: Counter,
    pub version: i64,
}

/// Makes the scope's counter, empty, unless it exists.
pub async fn ensure<'e>(db: impl Db<'e>, scope: &str, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO attempt_limits (scope, failures, locked_until, day_start, day_failures, version)
         VALUES ($1, 0, 0, $2, 0, 0) ON CONFLICT (scope) DO NOTHING",
    )
    .bind(scope)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn read<'e>(db: impl Db<'e>, scope: &str) -> Result<Option<VersionedCounter>, AppError> {
    Ok(sqlx::query_as(
        "SELECT failures, locked_until, day_start, day_failures, version FROM attempt_limits WHERE scope = $1",
    )
    .bind(scope)
    .fetch_optional(db)
    .await?)
}

/// Writes `next` if the row is still at `version`; answers whether it was.
pub async fn swap<'e>(db: impl Db<'e>, scope: &str, next: Counter, version: i64) -> Result<bool, AppError> {
    let swapped = sqlx::query(
        "UPDATE attempt_limits SET failures = $1, locked_until = $2, day_start = $3, day_failures = $4,
         version = version + 1 WHERE scope = $5 AND version = $6",
    )
    .bind(next.failures)
    .bind(next.locked_until)
    .bind(next.day_start)
    .bind(next.day_failures)
    .bind(scope)
    .bind(version)
    .execute(db)
    .await?;
    Ok(swapped.rows_affected() == 1)
}

/// Deletes counters with no delay running at `now` whose day began at `day_over_at` or before,
/// and which have no failures in a row, unless their day began at `forgotten_at` or before.
pub async fn delete_idle<'e>(
    db: impl Db<'e>,
    now: i64,
    day_over_at: i64,
    forgotten_at: i64,
) -> Result<u64, AppError> {
    let deleted = sqlx::query(
        "DELETE FROM attempt_limits WHERE locked_until <= $1 AND day_start <= $2 AND (failures = 0 OR day_start <= $3)",
    )
    .bind(now)
    .bind(day_over_at)
    .bind(forgotten_at)
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}
