//! Deleting what has expired: the server runs it every few minutes, `server cleanup` from cron.
//! Every rule here only removes rows that no request would accept any more, so it is safe to
//! run at any time, from any number of instances.

use sqlx::AnyPool;

use crate::backend::second_factor::backup_codes::DOWNLOAD_WINDOW_SECS;
use crate::backend::sessions::{ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS, PENDING_SECOND_FACTOR_SECS};
use crate::backend::store;
use crate::backend::throttle::DAY_SECS;
use crate::error::AppError;
use crate::two_factor::PENDING_SECRET_SECS;

/// How often the server runs the cleanup.
pub const INTERVAL_SECS: u64 = 5 * 60;
/// Failures in a row are forgotten after a week without any attempt in their scope.
pub const FORGET_FAILURES_SECS: i64 = 7 * DAY_SECS;
/// A closed account's last mails are tried for three days; then its address leaves the queue.
pub const CLOSED_MAIL_SECS: i64 = 3 * DAY_SECS;

/// Deletes every row expired at `now`; answers how many went.
pub async fn delete_expired(db: &AnyPool, now: i64) -> Result<u64, AppError> {
    let sessions = store::sessions::delete_expired(
        db,
        now - IDLE_TIMEOUT_SECS,
        now - ABSOLUTE_TIMEOUT_SECS,
        now - PENDING_SECOND_FACTOR_SECS,
    )
    .await?;
    let pending = store::totp::delete_expired_pending(db, now - PENDING_SECRET_SECS).await?;
    // The sealed copy of fresh backup codes, past its download window.
    let downloads = store::backup_codes::delete_expired_downloads(db, now - DOWNLOAD_WINDOW_SECS).await?;
    // Counters with nothing left to count: no delay running and their day over, and no
    // failures in a row, unless a week has passed without any attempt at all.
    let counters =
        store::attempt_limits::delete_idle(db, now, now - DAY_SECS, now - FORGET_FAILURES_SECS).await?;
    let links = store::email_links::delete_expired(db, now).await?;
    let remembered = store::remembered_browsers::delete_expired(db, now).await?;
    let closed_mail = store::outbox::delete_stale_to_closed(db, now - CLOSED_MAIL_SECS).await?;
    if closed_mail > 0 {
        // No older copy of a closed account's address stays behind in SQLite's log.
        store::closing::scrub(db).await?;
    }
    // Texted codes: a code row counts its session's texts, so it goes a day after it died.
    let sms = store::sms::delete_old_codes(db, now - DAY_SECS).await?
        + store::sms::delete_expired_pending_numbers(db, now - PENDING_SECRET_SECS).await?
        + store::sms::delete_old_sends(db, now.div_euclid(DAY_SECS) - 1).await?;
    Ok(sessions + pending + downloads + counters + links + remembered + closed_mail + sms)
}
