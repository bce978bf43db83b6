//! Deleting what has expired: the server runs it every few minutes, `server cleanup` from cron.
//! Every rule here only removes rows that no request would accept any more, so it is safe to
//! run at any time, from any number of instances.

use sqlx::AnyPool;

use super::db_error;
use super::sessions::{ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS, PENDING_SECOND_FACTOR_SECS};
use super::throttle::DAY_SECS;
use super::two_factor::DOWNLOAD_WINDOW_SECS;
use crate::error::AppError;
use crate::two_factor::PENDING_SECRET_SECS;

/// How often the server runs the cleanup.
pub const INTERVAL_SECS: u64 = 5 * 60;
/// Failures in a row are forgotten after a week without any attempt in their scope.
pub const FORGET_FAILURES_SECS: i64 = 7 * DAY_SECS;

/// Deletes every row expired at `now`; answers how many went.
pub async fn delete_expired(db: &AnyPool, now: i64) -> Result<u64, AppError> {
    let rules: [(&str, Vec<i64>); 4] = [
        // Sessions past their idle or absolute lifetime (level 1: half logged in).
        (
            "DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2 OR (level = 1 AND created_at <= $3)",
            vec![now - IDLE_TIMEOUT_SECS, now - ABSOLUTE_TIMEOUT_SECS, now - PENDING_SECOND_FACTOR_SECS],
        ),
        ("DELETE FROM totp_pending WHERE created_at <= $1", vec![now - PENDING_SECRET_SECS]),
        // The sealed copy of fresh backup codes, past its download window.
        ("DELETE FROM backup_code_downloads WHERE created_at <= $1", vec![now - DOWNLOAD_WINDOW_SECS]),
        // Counters with nothing left to count: no delay running and their day over, and no
        // failures in a row, unless a week has passed without any attempt at all.
        (
            "DELETE FROM attempt_limits WHERE locked_until <= $1 AND day_start <= $2 AND (failures = 0 OR day_start <= $3)",
            vec![now, now - DAY_SECS, now - FORGET_FAILURES_SECS],
        ),
    ];
    let mut deleted = 0;
    for (statement, bounds) in rules {
        let mut query = sqlx::query(statement);
        for bound in bounds {
            query = query.bind(bound);
        }
        deleted += query.execute(db).await.map_err(db_error("deleting expired rows"))?.rows_affected();
    }
    Ok(deleted)
}
