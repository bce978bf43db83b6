//! Server-side sessions in the `sessions` table, shared by every server instance.
//!
//! The cookie carries a random 256-bit token; the table keeps only its SHA-256, so a copy of the
//! database does not hand out live sessions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};

use crate::account::AuthLevel;
use crate::error::AppError;

/// Idle and absolute lifetimes, after NIST SP 800-63B AAL2 (30 minutes idle, 12 hours overall).
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// A half-logged-in session (code still to come) lives only as long as entering a code takes.
pub const PENDING_SECOND_FACTOR_SECS: i64 = 10 * 60;
/// `last_seen_at` is written at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

const TOKEN_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the token, hex: the row's key.
    pub id: String,
    pub user_id: i64,
    pub email: String,
    pub level: AuthLevel,
    /// The account's authentication epoch this session was started under (see `accounts`).
    pub epoch: i64,
}

fn level_code(level: AuthLevel) -> i64 {
    match level {
        AuthLevel::Anonymous => 0,
        AuthLevel::PasswordVerified => 1,
        AuthLevel::FullyAuthenticated => 2,
    }
}

fn level_from_code(code: i64) -> Option<AuthLevel> {
    match code {
        1 => Some(AuthLevel::PasswordVerified),
        2 => Some(AuthLevel::FullyAuthenticated),
        _ => None,
    }
}

fn id_of(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a session created at `created_at` and last used at `last_seen_at` is over at `now`.
pub fn is_expired(level: AuthLevel, created_at: i64, last_seen_at: i64, now: i64) -> bool {
    let lifetime = match level {
        AuthLevel::PasswordVerified => PENDING_SECOND_FACTOR_SECS,
        _ => ABSOLUTE_TIMEOUT_SECS,
    };
    now - last_seen_at >= IDLE_TIMEOUT_SECS || now - created_at >= lifetime
}

/// Starts a session for `user_id` under the account's authentication epoch `epoch`, as read
/// together with what decided `level`; returns the token for the cookie. Should the epoch have
/// moved on meanwhile (2FA turned on in between, say), the session is over before its first use.
pub async fn start<'e, E>(
    db: E,
    user_id: i64,
    level: AuthLevel,
    epoch: i64,
    now: i64,
) -> Result<String, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    sqlx::query(
        "INSERT INTO sessions (id, user_id, level, auth_epoch, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id_of(&token))
    .bind(user_id)
    .bind(level_code(level))
    .bind(epoch)
    .bind(now)
    .execute(db)
    .await
    .map_err(|e| AppError::internal("starting a session failed", e))?;
    Ok(token)
}

/// The live session behind `token`, if any. Expired sessions, and sessions of an earlier
/// authentication epoch than their account's, are deleted on sight.
pub async fn find(db: &AnyPool, token: &str, now: i64) -> Result<Option<Session>, AppError> {
    let well_formed =
        token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Ok(None);
    }
    let id = id_of(token);
    let row = sqlx::query_as::<_, (i64, i64, i64, i64, String, i64, i64)>(
        "SELECT s.user_id, s.level, s.created_at, s.last_seen_at, u.email, s.auth_epoch, u.auth_epoch
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
    )
    .bind(&id)
    .fetch_optional(db)
    .await
    .map_err(|e| AppError::internal("loading a session failed", e))?;
    let Some((user_id, level, created_at, last_seen_at, email, epoch, account_epoch)) = row else {
        return Ok(None);
    };
    let Some(level) = level_from_code(level) else {
        return Ok(None);
    };
    if is_expired(level, created_at, last_seen_at, now) || epoch != account_epoch {
        delete(db, &id).await?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_INTERVAL_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&id)
            .execute(db)
            .await
            .map_err(|e| AppError::internal("refreshing a session failed", e))?;
    }
    Ok(Some(Session { id, user_id, email, level, epoch }))
}

/// Ends the session behind `token` (logout). Unknown tokens are ignored.
pub async fn end(db: &AnyPool, token: &str) -> Result<(), AppError> {
    delete(db, &id_of(token)).await
}

/// Ends the session whose stored id is `id`.
pub async fn end_by_id<'e, E>(db: E, id: &str) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    delete(db, id).await
}

/// Moves the account to a new authentication epoch, inside the transaction of a change to its
/// factors made by `session`: every other session, live or still being started anywhere, is
/// over, and `session` moves along. Should `session` itself have ended, or the account have
/// moved on since `session` was checked (another change won the race), the change is refused
/// with `LoginRequired` and must roll back. Answers how many other sessions ended.
pub async fn new_epoch(conn: &mut AnyConnection, session: &Session) -> Result<u64, AppError> {
    let fail = |e| AppError::internal("starting a new authentication epoch failed", e);
    let epoch: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET auth_epoch = auth_epoch + 1 WHERE id = $1 AND auth_epoch = $2 RETURNING auth_epoch",
    )
    .bind(session.user_id)
    .bind(session.epoch)
    .fetch_optional(&mut *conn)
    .await
    .map_err(fail)?;
    let Some(epoch) = epoch else {
        return Err(AppError::LoginRequired);
    };
    let moved = sqlx::query("UPDATE sessions SET auth_epoch = $1 WHERE id = $2")
        .bind(epoch)
        .bind(&session.id)
        .execute(&mut *conn)
        .await
        .map_err(fail)?;
    if moved.rows_affected() != 1 {
        return Err(AppError::LoginRequired);
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(session.user_id)
        .bind(&session.id)
        .execute(&mut *conn)
        .await
        .map_err(fail)?;
    Ok(ended.rows_affected())
}

async fn delete<'e, E>(db: E, id: &str) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map_err(|e| AppError::internal("deleting a session failed", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn a_session_expires_after_idling() {
        let level = AuthLevel::FullyAuthenticated;
        assert!(!is_expired(level, T0, T0, T0 + IDLE_TIMEOUT_SECS - 1));
        assert!(is_expired(level, T0, T0, T0 + IDLE_TIMEOUT_SECS));
    }

    #[test]
    fn an_active_session_still_ends_at_its_absolute_lifetime() {
        let level = AuthLevel::FullyAuthenticated;
        let now = T0 + ABSOLUTE_TIMEOUT_SECS;
        assert!(is_expired(level, T0, now - 1, now));
        assert!(!is_expired(level, T0, now - 2, now - 1));
    }

    #[test]
    fn a_half_logged_in_session_lives_only_minutes() {
        let level = AuthLevel::PasswordVerified;
        let now = T0 + PENDING_SECOND_FACTOR_SECS;
        assert!(is_expired(level, T0, now - 1, now));
        assert!(!is_expired(AuthLevel::FullyAuthenticated, T0, now - 1, now));
    }

    #[test]
    fn levels_round_trip_through_their_stored_codes_and_anonymous_is_never_stored() {
        for level in [AuthLevel::PasswordVerified, AuthLevel::FullyAuthenticated] {
            assert_eq!(level_from_code(level_code(level)), Some(level));
        }
        assert_eq!(level_from_code(level_code(AuthLevel::Anonymous)), None);
    }

    #[test]
    fn the_stored_id_is_a_hash_not_the_token() {
        let id = id_of("token");
        assert_eq!(id.len(), 64);
        assert_ne!(id, "token");
    }
}
