//! Texted codes' tables: `sms_numbers` (the account's number while SMS is on),
//! `sms_pending_numbers` (a setup's number, of the session that began it, until its first code),
//! `sms_codes` (each session's live code, as a keyed hash) and `sms_sends` (texts sent per scope
//! and day). Numbers are sealed under the data key.

use super::Db;
use crate::backend::ids::{SessionId, UserId};
use crate::error::AppError;

#[derive(Debug, sqlx::FromRow)]
pub struct SealedNumber {
    pub number: Vec<u8>,
    pub created_at: i64,
}

/// The account's number, sealed, while SMS is on.
pub async fn number<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Option<SealedNumber>, AppError> {
    Ok(sqlx::query_as("SELECT number, created_at FROM sms_numbers WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?)
}

/// Stores the account's number unless it has one; answers whether this one was stored.
pub async fn insert_number<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
) -> Result<bool, AppError> {
    let made = sqlx::query(
        "INSERT INTO sms_numbers (user_id, number, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(made.rows_affected() == 1)
}

/// Sets the account's number, keeping when SMS was first turned on.
pub async fn replace_number<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sms_numbers (user_id, number, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET number = excluded.number",
    )
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_number<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sms_numbers WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

/// Every account's number, for a key rotation.
#[derive(Debug, sqlx::FromRow)]
pub struct NumberRow {
    pub user_id: UserId,
    pub number: Vec<u8>,
}

pub async fn all_numbers<'e>(db: impl Db<'e>) -> Result<Vec<NumberRow>, AppError> {
    Ok(sqlx::query_as("SELECT user_id, number FROM sms_numbers").fetch_all(db).await?)
}

pub async fn set_number<'e>(db: impl Db<'e>, user_id: UserId, sealed: &[u8]) -> Result<(), AppError> {
    sqlx::query("UPDATE sms_numbers SET number = $1 WHERE user_id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every pending number, for a key rotation.
#[derive(Debug, sqlx::FromRow)]
pub struct PendingNumberRow {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub number: Vec<u8>,
}

pub async fn all_pending_numbers<'e>(db: impl Db<'e>) -> Result<Vec<PendingNumberRow>, AppError> {
    Ok(sqlx::query_as("SELECT session_id, user_id, number FROM sms_pending_numbers").fetch_all(db).await?)
}

pub async fn reseal_pending_number<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    sealed: &[u8],
) -> Result<(), AppError> {
    sqlx::query("UPDATE sms_pending_numbers SET number = $1 WHERE session_id = $2")
        .bind(sealed)
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets the session's pending number: a number typed again replaces the one before.
pub async fn set_pending_number<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    sealed: &[u8],
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sms_pending_numbers (session_id, user_id, number, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id) DO UPDATE SET number = excluded.number, created_at = excluded.created_at",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The session's pending number, when set after `expired_at`.
pub async fn pending_number<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    expired_at: i64,
) -> Result<Option<SealedNumber>, AppError> {
    Ok(sqlx::query_as(
        "SELECT number, created_at FROM sms_pending_numbers WHERE session_id = $1 AND user_id = $2 AND created_at > $3",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(expired_at)
    .fetch_optional(db)
    .await?)
}

pub async fn delete_pending_numbers_of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sms_pending_numbers WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

/// A session's texted code, as kept.
#[derive(Debug, sqlx::FromRow)]
pub struct SentCode {
    pub sent_at: i64,
    pub expires_at: i64,
    pub wrong_tries: i64,
    pub sends: i64,
}

/// The session's code row, live or not (it also counts the session's texts).
pub async fn code<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
) -> Result<Option<SentCode>, AppError> {
    Ok(sqlx::query_as(
        "SELECT sent_at, expires_at, wrong_tries, sends FROM sms_codes WHERE session_id = $1 AND user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?)
}

/// A texted code as stored: its keyed hash, and that of the number it went to.
pub struct StoredCode<'a> {
    pub code_hash: &'a str,
    pub number_hash: &'a str,
}

/// Makes `code` the session's one live code, replacing any before it; `sends` is the number of
/// texts the session has now had.
pub async fn put_code<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    code: StoredCode<'_>,
    now: i64,
    expires_at: i64,
    sends: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sms_codes (session_id, user_id, code_hash, number_hash, sent_at, expires_at, wrong_tries, sends)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)
         ON CONFLICT (session_id) DO UPDATE SET code_hash = excluded.code_hash, number_hash = excluded.number_hash,
             sent_at = excluded.sent_at, expires_at = excluded.expires_at, wrong_tries = 0, sends = excluded.sends",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(code.code_hash)
    .bind(code.number_hash)
    .bind(now)
    .bind(expires_at)
    .bind(sends)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses up the session's code when `code` is it (sent to that number), still live at `now` and
/// with fewer than `max_wrong` wrong tries; answers whether it was. Of two submissions of one
/// code, one wins.
pub async fn take_code<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
    code: StoredCode<'_>,
    now: i64,
    max_wrong: i64,
) -> Result<bool, AppError> {
    // The row stays, dead: a used code cannot be used again. Its count of texts starts again, so
    // that a change proven by one text (a new number) may send the next at once.
    let taken = sqlx::query(
        "UPDATE sms_codes SET code_hash = '', expires_at = 0, sends = 0
         WHERE session_id = $1 AND user_id = $2 AND code_hash = $3 AND number_hash = $4 AND expires_at > $5
             AND wrong_tries < $6",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(code.code_hash)
    .bind(code.number_hash)
    .bind(now)
    .bind(max_wrong)
    .execute(db)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Counts a wrong try at the session's code.
pub async fn count_wrong_try<'e>(
    db: impl Db<'e>,
    session_id: &SessionId,
    user_id: UserId,
) -> Result<(), AppError> {
    sqlx::query("UPDATE sms_codes SET wrong_tries = wrong_tries + 1 WHERE session_id = $1 AND user_id = $2")
        .bind(session_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_codes_of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sms_codes WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

/// Counts one more text for `scope` on `day`; answers the day's count with it.
pub async fn count_send<'e>(db: impl Db<'e>, scope: &str, day: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sms_sends (scope, day, sent) VALUES ($1, $2, 1)
         ON CONFLICT (scope, day) DO UPDATE SET sent = sms_sends.sent + 1 RETURNING sent",
    )
    .bind(scope)
    .bind(day)
    .fetch_one(db)
    .await?)
}

/// Deletes the code rows sent before `before` and dead by now (their counts of texts are over).
pub async fn delete_old_codes<'e>(db: impl Db<'e>, before: i64) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM sms_codes WHERE sent_at < $1 AND expires_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes the pending numbers set before `before`.
pub async fn delete_expired_pending_numbers<'e>(db: impl Db<'e>, before: i64) -> Result<u64, AppError> {
    let done =
        sqlx::query("DELETE FROM sms_pending_numbers WHERE created_at < $1").bind(before).execute(db).await?;
    Ok(done.rows_affected())
}

/// Deletes the counts of days before `day`.
pub async fn delete_old_sends<'e>(db: impl Db<'e>, day: i64) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM sms_sends WHERE day < $1").bind(day).execute(db).await?;
    Ok(done.rows_affected())
}
