//! Passkeys' tables: `passkey_handles` (each account's random WebAuthn user handle), `passkeys`
//! (the account's credentials: the library's record as JSON, a name, when added and last used)
//! and `passkey_challenges` (a ceremony's state until its one use).

use super::Db;
use crate::backend::ids::{LinkId, SessionId, UserId};
use crate::error::AppError;

/// The account's user handle, when it has one.
pub async fn handle<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT handle FROM passkey_handles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?)
}

/// Gives the account `handle` unless it has one already.
pub async fn insert_handle<'e>(db: impl Db<'e>, user_id: UserId, handle: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO passkey_handles (user_id, handle) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(handle)
    .execute(db)
    .await?;
    Ok(())
}

/// The account a user handle belongs to.
pub async fn account_of_handle<'e>(db: impl Db<'e>, handle: &str) -> Result<Option<UserId>, AppError> {
    Ok(sqlx::query_scalar("SELECT user_id FROM passkey_handles WHERE handle = $1")
        .bind(handle)
        .fetch_optional(db)
        .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: i64,
    pub user_id: UserId,
    pub credential_id: String,
    pub name: String,
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, credential_id, name, credential, created_at, last_used_at";

/// The account's passkeys, oldest first.
pub async fn of_account<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Vec<PasskeyRow>, AppError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY id"))
        .bind(user_id)
        .fetch_all(db)
        .await?)
}

pub async fn count<'e>(db: impl Db<'e>, user_id: UserId) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?)
}

/// The passkey with this credential id, of whichever account.
pub async fn by_credential_id<'e>(
    db: impl Db<'e>,
    credential_id: &str,
) -> Result<Option<PasskeyRow>, AppError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1"))
        .bind(credential_id)
        .fetch_optional(db)
        .await?)
}

/// Stores a new passkey; answers false when its credential id is registered already (to this
/// account or any other).
pub async fn insert<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    credential_id: &str,
    name: &str,
    credential: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO passkeys (user_id, credential_id, name, credential, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (credential_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(credential_id)
    .bind(name)
    .bind(credential)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a use: the library's updated record (counter, backup state) and the time, only if
/// the record is still `before` (a parallel use of the same passkey loses). Answers whether it
/// was written.
pub async fn record_use<'e>(
    db: impl Db<'e>,
    id: i64,
    before: &str,
    after: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3 AND credential = $4",
    )
    .bind(after)
    .bind(now)
    .bind(id)
    .bind(before)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames one of the account's passkeys; answers whether it exists.
pub async fn rename<'e>(db: impl Db<'e>, user_id: UserId, id: i64, name: &str) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
        .bind(name)
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes one of the account's passkeys; answers whether it existed.
pub async fn delete<'e>(db: impl Db<'e>, user_id: UserId, id: i64) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes every passkey of the account and its ceremonies (2FA turned off).
pub async fn delete_all<'e>(db: impl Db<'e>, user_id: UserId) -> Result<(), AppError> {
    sqlx::query("DELETE FROM passkeys WHERE user_id = $1").bind(user_id).execute(db).await?;
    Ok(())
}

/// What a ceremony is for; a state kept for one is never taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    SecondFactor,
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::SecondFactor => "second-factor",
            Purpose::SignIn => "sign-in",
        }
    }
}

/// Keeps a ceremony's state under the id of its token.
pub async fn insert_challenge<'e>(
    db: impl Db<'e>,
    id: &LinkId,
    purpose: Purpose,
    session: Option<&SessionId>,
    user_id: Option<UserId>,
    state: &str,
    expires_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO passkey_challenges (token_hash, purpose, session_id, user_id, state, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(purpose.as_str())
    .bind(session.map(SessionId::as_str))
    .bind(user_id)
    .bind(state)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// A ceremony's state, taken out: deleted as it is read, so that of two uses of one challenge,
/// in parallel or one after the other, at most one finds it. Only a live one of `purpose`,
/// begun by `session` (none: a sign-in without a password).
pub async fn take_challenge<'e>(
    db: impl Db<'e>,
    id: &LinkId,
    purpose: Purpose,
    session: Option<&SessionId>,
    now: i64,
) -> Result<Option<(Option<UserId>, String)>, AppError> {
    let taken: Option<(Option<i64>, String, Option<String>, i64)> = sqlx::query_as(
        "DELETE FROM passkey_challenges WHERE token_hash = $1 AND purpose = $2
         RETURNING user_id, state, session_id, expires_at",
    )
    .bind(id)
    .bind(purpose.as_str())
    .fetch_optional(db)
    .await?;
    Ok(taken.and_then(|(user_id, state, session_id, expires_at)| {
        let same_session = session_id.as_deref() == session.map(SessionId::as_str);
        (same_session && expires_at > now).then(|| (user_id.map(UserId), state))
    }))
}

/// Drops a session's challenges of `purpose` before it gets a new one: one live ceremony each.
pub async fn delete_challenges_of_session<'e>(
    db: impl Db<'e>,
    session: &SessionId,
    purpose: Purpose,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM passkey_challenges WHERE session_id = $1 AND purpose = $2")
        .bind(session.as_str())
        .bind(purpose.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the challenges dead before `now` (upkeep).
pub async fn delete_expired_challenges<'e>(db: impl Db<'e>, now: i64) -> Result<u64, AppError> {
    let done =
        sqlx::query("DELETE FROM passkey_challenges WHERE expires_at <= $1").bind(now).execute(db).await?;
    Ok(done.rows_affected())
}
