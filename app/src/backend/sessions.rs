//! Server-side sessions, shared by every server instance: their lifetimes, the authentication
//! epoch they carry, and the rules for finding, starting and ending them. The cookie carries a
//! random token; the `sessions` table (see `store::sessions`) keeps only its SHA-256.

use sqlx::AnyConnection;

use super::caller::Caller;
use super::ids::{AuthEpoch, SessionId, SessionToken, UserId};
use super::store::{self, Db};
use crate::account::{AuthLevel, Viewer};
use crate::error::AppError;

/// Idle and absolute lifetimes, after NIST SP 800-63B AAL2 (30 minutes idle, 12 hours overall).
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// A half-logged-in session (code still to come) lives only as long as entering a code takes.
pub const PENDING_SECOND_FACTOR_SECS: i64 = 10 * 60;
/// `last_seen_at` is written at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub email: String,
    pub level: AuthLevel,
    /// The account's authentication epoch this session was started under (see `store::users`).
    pub epoch: AuthEpoch,
    /// Whether the account's address was confirmed (see `address`).
    pub email_confirmed: bool,
    /// When the account was made (see `Caller::knows_account`).
    pub account_created_at: i64,
    /// Started with a temporary access code: it reaches nothing but a new 2FA setup.
    pub setup_only: bool,
    /// When the holder last proved a second factor on this session (a code at login, a passkey,
    /// or the admin pages' confirmation), if ever: administrator actions need a recent one.
    pub factor_checked_at: Option<i64>,
    /// The account is an administrator (made on the command line).
    pub administrator: bool,
}

/// Who the session is, as the session check answers it.
impl From<Session> for Viewer {
    fn from(session: Session) -> Self {
        Self { email: session.email, level: session.level, email_confirmed: session.email_confirmed }
    }
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

/// Whether a session created at `created_at` and last used at `last_seen_at` is over at `now`.
pub fn is_expired(level: AuthLevel, created_at: i64, last_seen_at: i64, now: i64) -> bool {
    let lifetime = match level {
        AuthLevel::PasswordVerified => PENDING_SECOND_FACTOR_SECS,
        _ => ABSOLUTE_TIMEOUT_SECS,
    };
    now - last_seen_at >= IDLE_TIMEOUT_SECS || now - created_at >= lifetime
}

/// The authentication epoch a new account starts at: random, not 0. SQLite gives the id of a
/// deleted (closed) newest account to the next one, and a device cookie names only an id and an
/// epoch: the closed account's browser must not pass for a trusted browser of the new account.
pub fn first_epoch() -> AuthEpoch {
    use rand::{rngs::OsRng, Rng};
    AuthEpoch(OsRng.gen_range(1..i64::MAX / 2))
}

/// Starts a session for `user_id` under the account's authentication epoch `epoch`, as read
/// together with what decided `level`; returns the token for the cookie. Should the epoch have
/// moved on meanwhile (2FA turned on in between, say), the session is over before its first use.
/// The caller's browser and address are kept for the list of active sessions.
pub async fn start<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    level: AuthLevel,
    epoch: AuthEpoch,
    caller: &Caller,
) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let origin = (caller.user_agent.as_deref(), caller.ip());
    store::sessions::insert(db, &token.id(), user_id, level_code(level), epoch, origin, caller.now).await?;
    Ok(token)
}

/// The live session behind `token`, if any. Expired sessions, and sessions of an earlier
/// authentication epoch than their account's, are deleted on sight.
pub async fn find(db: &sqlx::AnyPool, token: &SessionToken, now: i64) -> Result<Option<Session>, AppError> {
    let id = token.id();
    let Some(row) = store::sessions::find(db, &id).await? else {
        return Ok(None);
    };
    let times = (row.created_at, row.last_seen_at, now);
    let Some(level) = live_level(db, &id, row.level, times, row.epoch_passed).await? else {
        return Ok(None);
    };
    Ok(Some(Session {
        id,
        user_id: row.user_id,
        email: row.email,
        level,
        epoch: row.auth_epoch,
        email_confirmed: row.email_confirmed,
        account_created_at: row.account_created_at,
        setup_only: row.setup_only,
        factor_checked_at: row.factor_checked_at,
        administrator: row.administrator,
    }))
}

/// Who is logged in with `token`, as the session check answers it: the same session as `find`
/// finds, under the same rules, read in fewer columns.
pub async fn find_viewer(
    db: &sqlx::AnyPool,
    token: &SessionToken,
    now: i64,
) -> Result<Option<Viewer>, AppError> {
    let id = token.id();
    let Some(row) = store::sessions::find_viewer(db, &id).await? else {
        return Ok(None);
    };
    let times = (row.created_at, row.last_seen_at, now);
    let Some(level) = live_level(db, &id, row.level, times, row.epoch_passed).await? else {
        return Ok(None);
    };
    Ok(Some(Viewer { email: row.email, level, email_confirmed: row.email_confirmed }))
}

/// The level of the session `id` as read (`level`; `created_at`, `last_seen_at` and `now` in
/// `times`), or `None` once it is over: deleted when expired or of a past epoch, and its use noted
/// at most once every `TOUCH_INTERVAL_SECS`.
async fn live_level(
    db: &sqlx::AnyPool,
    id: &SessionId,
    level: i64,
    (created_at, last_seen_at, now): (i64, i64, i64),
    epoch_passed: bool,
) -> Result<Option<AuthLevel>, AppError> {
    let Some(level) = level_from_code(level) else {
        return Ok(None);
    };
    if is_expired(level, created_at, last_seen_at, now) || epoch_passed {
        store::sessions::delete(db, id).await?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_INTERVAL_SECS {
        store::sessions::touch(db, id, now).await?;
    }
    Ok(Some(level))
}

/// Ends the session behind `token` (logout). Unknown tokens are ignored.
pub async fn end<'e>(db: impl Db<'e>, token: &SessionToken) -> Result<(), AppError> {
    store::sessions::delete(db, &token.id()).await
}

/// Ends the session whose stored id is `id`.
pub async fn end_by_id<'e>(db: impl Db<'e>, id: &SessionId) -> Result<(), AppError> {
    store::sessions::delete(db, id).await
}

/// Moves the account to a new authentication epoch, inside the transaction of a change to its
/// factors made by `session`: every other session, live or still being started anywhere, is
/// over, and `session` moves along. Should `session` itself have ended, or the account have
/// moved on since `session` was checked (another change won the race), the change is refused
/// with `LoginRequired` and must roll back. Answers how many other sessions ended.
pub async fn new_epoch(conn: &mut AnyConnection, session: &Session) -> Result<u64, AppError> {
    let Some(epoch) = store::users::next_epoch(&mut *conn, session.user_id, session.epoch).await? else {
        return Err(AppError::LoginRequired);
    };
    if !store::sessions::move_to_epoch(&mut *conn, &session.id, epoch).await? {
        return Err(AppError::LoginRequired);
    }
    // Remembered browsers were remembered under the old epoch: forgotten with it. A reset link
    // mailed before the change would undo it: it dies too.
    store::remembered_browsers::delete_all_of_user(&mut *conn, session.user_id).await?;
    let reset = store::email_links::Purpose::ResetPassword;
    store::email_links::delete_of_account(&mut *conn, session.user_id, reset).await?;
    store::sessions::delete_others(&mut *conn, session.user_id, &session.id).await
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
}
