//! "Remember this browser for 30 days": a browser that passed the second factor may skip the
//! code prompt at its next logins (never the password). Its cookie holds a random token whose
//! SHA-256 is kept with the account and the authentication epoch; a change to how the account
//! logs in (2FA on or off, new backup codes, a new password, "Log out other sessions") forgets
//! every remembered browser. It never stands in for the code that a change to 2FA asks for.

use sqlx::AnyConnection;

use crate::backend::caller::Caller;
use crate::backend::ids::{AuthEpoch, LinkToken, UserId};
use crate::backend::store::remembered_browsers::RememberedRow;
use crate::backend::store::{self, security_events, Db};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

pub const REMEMBER_SECS: i64 = 30 * 24 * 60 * 60;

/// Remembers the caller's browser for `user_id` at `epoch`, in the transaction of the login that
/// passed the second factor; answers the cookie's token.
pub async fn remember(
    conn: &mut AnyConnection,
    user_id: UserId,
    epoch: AuthEpoch,
    caller: &Caller,
) -> Result<LinkToken, AppError> {
    let token = LinkToken::generate();
    let row = RememberedRow {
        id: token.id(),
        user_id,
        auth_epoch: epoch,
        user_agent: caller.user_agent.clone(),
        ip: caller.ip.clone(),
        created_at: caller.now,
        expires_at: caller.now + REMEMBER_SECS,
    };
    store::remembered_browsers::insert(&mut *conn, &row).await?;
    security_events::record(
        &mut *conn,
        user_id,
        SecurityEventKind::BrowserRemembered,
        caller.ip(),
        caller.now,
    )
    .await?;
    Ok(token)
}

/// Whether `token` is a remembered browser of `user_id` at its epoch `epoch`, alive at `now`.
pub async fn recognises<'e>(
    db: impl Db<'e>,
    token: &LinkToken,
    user_id: UserId,
    epoch: AuthEpoch,
    now: i64,
) -> Result<bool, AppError> {
    Ok(store::remembered_browsers::find(db, &token.id())
        .await?
        .is_some_and(|row| row.user_id == user_id && row.auth_epoch == epoch && row.expires_at > now))
}
