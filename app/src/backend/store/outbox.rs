//! The `mail_outbox` table: mails waiting for the mail server, shared by every instance.

use super::Db;
use crate::error::AppError;

/// A queued mail as stored: its recipient and its sealed content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedRow {
    pub id: i64,
    pub recipient: String,
    pub sealed: Vec<u8>,
    pub created_at: i64,
    pub attempts: i64,
    pub message_key: String,
}

/// Queues a mail through `db`: the transaction of the change the mail reports.
pub async fn enqueue<'e>(
    db: impl Db<'e>,
    recipient: &str,
    sealed: &[u8],
    message_key: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO mail_outbox (recipient, sealed, message_key, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(recipient)
    .bind(sealed)
    .bind(message_key)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` mails that are due at `now` and not claimed by anyone, until
/// `claimed_until`, under the random `claim`. One statement: of two instances claiming at once,
/// each row goes to one (the conditions are checked again on the row that is updated).
pub async fn claim_due<'e>(
    db: impl Db<'e>,
    now: i64,
    claimed_until: i64,
    claim: &str,
    limit: i64,
) -> Result<Vec<QueuedRow>, AppError> {
    Ok(sqlx::query_as(
        "UPDATE mail_outbox SET claimed_until = $1, claim = $2
         WHERE id IN (SELECT id FROM mail_outbox WHERE next_attempt_at <= $3 AND claimed_until <= $3
                      ORDER BY id LIMIT $4)
           AND next_attempt_at <= $3 AND claimed_until <= $3
         RETURNING id, recipient, sealed, created_at, attempts, message_key",
    )
    .bind(claimed_until)
    .bind(claim)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Removes the mails of a batch (ids `ids`, first to last) still held under `claim`: those the
/// mail server accepted (the others were given back, see `retry_later`). Nothing when the lease
/// ran out meanwhile and another worker claimed them. By the ids' range, so that the key finds
/// the rows however long the queue is; only this batch's rows carry its random claim.
pub async fn delivered_under<'e>(
    db: impl Db<'e>,
    claim: &str,
    ids: std::ops::RangeInclusive<i64>,
) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM mail_outbox WHERE id >= $1 AND id <= $2 AND claim = $3")
        .bind(ids.start())
        .bind(ids.end())
        .bind(claim)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Gives a mail that could not be sent back to the queue, due again at `next_attempt_at`.
pub async fn retry_later<'e>(
    db: impl Db<'e>,
    id: i64,
    claim: &str,
    next_attempt_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = 0, claim = NULL
         WHERE id = $2 AND claim = $3",
    )
    .bind(next_attempt_at)
    .bind(id)
    .bind(claim)
    .execute(db)
    .await?;
    Ok(())
}

/// How many mails wait.
/// Deletes the mails queued before `before` to addresses no account has (a closed account's
/// that could not be delivered): the address is kept for its last mails, not for good.
pub async fn delete_stale_to_closed<'e>(db: impl Db<'e>, before: i64) -> Result<u64, AppError> {
    let done = sqlx::query(
        "DELETE FROM mail_outbox WHERE created_at < $1 AND recipient NOT IN (SELECT email FROM users)",
    )
    .bind(before)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

pub async fn waiting<'e>(db: impl Db<'e>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox").fetch_one(db).await?)
}

/// Every queued mail, for the key rotation.
pub async fn all<'e>(db: impl Db<'e>) -> Result<Vec<QueuedRow>, AppError> {
    Ok(sqlx::query_as("SELECT id, recipient, sealed, created_at, attempts, message_key FROM mail_outbox")
        .fetch_all(db)
        .await?)
}

pub async fn set_sealed<'e>(db: impl Db<'e>, id: i64, sealed: &[u8]) -> Result<(), AppError> {
    sqlx::query("UPDATE mail_outbox SET sealed = $1 WHERE id = $2").bind(sealed).bind(id).execute(db).await?;
    Ok(())
}
