//! The `sessions` table. A row's id is the SHA-256 of the session token (see `sessions`).

use super::Db;
use crate::backend::ids::{AuthEpoch, SessionId, UserId};
use crate::error::AppError;

/// A session row joined with what the session's checks need of its account.
#[derive(Debug)]
pub struct SessionRow {
    pub user_id: UserId,
    pub level: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub auth_epoch: AuthEpoch,
    pub factor_checked_at: Option<i64>,
    pub email: String,
    pub account_created_at: i64,
    /// The account has moved on to another epoch since the session's.
    pub epoch_passed: bool,
    pub email_confirmed: bool,
    /// An access code started the session, or the account must set 2FA up again (see
    /// `access_codes`).
    pub setup_only: bool,
    pub administrator: bool,
}

/// A session row as the session check reads it (`find_viewer`).
#[derive(Debug)]
pub struct ViewerRow {
    pub level: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub email: String,
    pub epoch_passed: bool,
    pub email_confirmed: bool,
}

/// The yes-or-no facts of a session row, one bit each of the query's last column.
const EPOCH_PASSED: i64 = 1;
const EMAIL_CONFIRMED: i64 = 2;
const SETUP_ONLY: i64 = 4;
const ADMINISTRATOR: i64 = 8;

pub async fn insert<'e>(
    db: impl Db<'e>,
    id: &SessionId,
    user_id: UserId,
    level: i64,
    epoch: AuthEpoch,
    origin: (Option<&str>, Option<&str>),
    now: i64,
) -> Result<(), AppError> {
    let (user_agent, ip) = origin;
    sqlx::query(
        "INSERT INTO sessions (id, user_id, level, auth_epoch, user_agent, ip, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id)
    .bind(user_id)
    .bind(level)
    .bind(epoch)
    .bind(user_agent)
    .bind(ip)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Read on every request behind a session, so in as few columns as it needs: the yes-or-no facts
/// come as the bits of one, and the columns are read by position. Each column costs the pool's
/// copying and decoding of its value, and a column read by name a hash of its name (callgrind).
pub async fn find<'e>(db: impl Db<'e>, id: &SessionId) -> Result<Option<SessionRow>, AppError> {
    type Columns = (UserId, i64, i64, i64, AuthEpoch, Option<i64>, String, i64, i64);
    let row: Option<Columns> = sqlx::query_as(
        "SELECT s.user_id, s.level, s.created_at, s.last_seen_at, s.auth_epoch, s.factor_checked_at,
                u.email, u.created_at,
                CAST(CASE WHEN s.auth_epoch = u.auth_epoch THEN 0 ELSE 1 END
                     + CASE WHEN u.email_confirmed_at IS NULL THEN 0 ELSE 2 END
                     + CASE WHEN EXISTS (SELECT 1 FROM setup_only_sessions o WHERE o.session_id = s.id)
                              OR EXISTS (SELECT 1 FROM setup_required_accounts r WHERE r.user_id = s.user_id)
                            THEN 4 ELSE 0 END
                     + CASE WHEN EXISTS (SELECT 1 FROM administrators a WHERE a.user_id = s.user_id)
                            THEN 8 ELSE 0 END AS BIGINT)
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|columns| SessionRow {
        user_id: columns.0,
        level: columns.1,
        created_at: columns.2,
        last_seen_at: columns.3,
        auth_epoch: columns.4,
        factor_checked_at: columns.5,
        email: columns.6,
        account_created_at: columns.7,
        epoch_passed: columns.8 & EPOCH_PASSED != 0,
        email_confirmed: columns.8 & EMAIL_CONFIRMED != 0,
        setup_only: columns.8 & SETUP_ONLY != 0,
        administrator: columns.8 & ADMINISTRATOR != 0,
    }))
}

/// What the session check reads (`sessions::find_viewer`): the session's level and times, its
/// account's address, and whether the account moved to another epoch or confirmed its address;
/// nothing of what only the other requests need (the setup hold, administrators), whose lookups
/// were a third of the session query's work in SQLite.
pub async fn find_viewer<'e>(db: impl Db<'e>, id: &SessionId) -> Result<Option<ViewerRow>, AppError> {
    type Columns = (i64, i64, i64, String, i64);
    let row: Option<Columns> = sqlx::query_as(
        "SELECT s.level, s.created_at, s.last_seen_at, u.email,
                CAST(CASE WHEN s.auth_epoch = u.auth_epoch THEN 0 ELSE 1 END
                     + CASE WHEN u.email_confirmed_at IS NULL THEN 0 ELSE 2 END AS BIGINT)
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|columns| ViewerRow {
        level: columns.0,
        created_at: columns.1,
        last_seen_at: columns.2,
        email: columns.3,
        epoch_passed: columns.4 & EPOCH_PASSED != 0,
        email_confirmed: columns.4 & EMAIL_CONFIRMED != 0,
    }))
}

/// Notes that the session's holder proved a second factor at `now` (see `Session::factor_checked_at`).
pub async fn mark_factor_checked<'e>(db: impl Db<'e>, id: &SessionId, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET factor_checked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn touch<'e>(db: impl Db<'e>, id: &SessionId, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2").bind(now).bind(id).execute(db).await?;
    Ok(())
}

pub async fn delete<'e>(db: impl Db<'e>, id: &SessionId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// Moves one session to `epoch`; answers whether it still existed.
pub async fn move_to_epoch<'e>(db: impl Db<'e>, id: &SessionId, epoch: AuthEpoch) -> Result<bool, AppError> {
    let moved = sqlx::query("UPDATE sessions SET auth_epoch = $1 WHERE id = $2")
        .bind(epoch)
        .bind(id)
        .execute(db)
        .await?;
    Ok(moved.rows_affected() == 1)
}

/// Deletes every session of the account but `keep`; answers how many.
pub async fn delete_others<'e>(db: impl Db<'e>, user_id: UserId, keep: &SessionId) -> Result<u64, AppError> {
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(ended.rows_affected())
}

/// Deletes sessions idle since `idle_before`, started before `started_before`, or half logged in
/// (level 1) and started before `pending_before`.
pub async fn delete_expired<'e>(
    db: impl Db<'e>,
    idle_before: i64,
    started_before: i64,
    pending_before: i64,
) -> Result<u64, AppError> {
    let deleted = sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at <= $1 OR created_at <= $2 OR (level = 1 AND created_at <= $3)",
    )
    .bind(idle_before)
    .bind(started_before)
    .bind(pending_before)
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}

/// Ends every session of the account; answers how many.
pub async fn delete_all_of_user<'e>(db: impl Db<'e>, user_id: UserId) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(done.rows_affected())
}

/// A session as the list of active sessions shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedSession {
    pub id: SessionId,
    pub level: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// The account's sessions at its epoch `epoch`, most recently used first.
pub async fn of_user<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    epoch: AuthEpoch,
) -> Result<Vec<ListedSession>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, level, created_at, last_seen_at, user_agent, ip FROM sessions
         WHERE user_id = $1 AND auth_epoch = $2 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .bind(epoch)
    .fetch_all(db)
    .await?)
}

/// Deletes the session `id` when it is the account's; answers whether it was.
pub async fn delete_of_user<'e>(db: impl Db<'e>, user_id: UserId, id: &str) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sessions of every account used since `since`.
pub async fn count_used_since<'e>(db: impl Db<'e>, since: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE last_seen_at > $1")
        .bind(since)
        .fetch_one(db)
        .await?)
}
