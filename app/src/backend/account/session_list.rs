//! "Where you're logged in": the account's live sessions and remembered browsers, and ending or
//! forgetting them. Ending takes effect on the session's very next request, on every instance:
//! sessions live in the database only.

use crate::account::{ActiveSession, AuthLevel, RememberedBrowser};
use crate::backend::caller::Caller;
use crate::backend::ids::LinkId;
use crate::backend::mail::letters::describe_browser;
use crate::backend::sessions::{self, Session};
use crate::backend::store::{self, security_events};
use crate::backend::AppState;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::security_events::SecurityEventKind;

/// The account's live sessions, the caller's marked `current`; browsers named in `locale`.
pub async fn list(
    state: &AppState,
    session: &Session,
    now: i64,
    locale: Locale,
) -> Result<Vec<ActiveSession>, AppError> {
    let rows = store::sessions::of_user(&state.db, session.user_id, session.epoch).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let level =
                if row.level == 1 { AuthLevel::PasswordVerified } else { AuthLevel::FullyAuthenticated };
            (!sessions::is_expired(level, row.created_at, row.last_seen_at, now)).then(|| ActiveSession {
                current: row.id == session.id,
                id: row.id.to_string(),
                browser: describe_browser(row.user_agent.as_deref(), locale),
                ip: row.ip,
                started_at: row.created_at,
                last_seen_at: row.last_seen_at,
                half_logged_in: level == AuthLevel::PasswordVerified,
            })
        })
        .collect())
}

/// Ends the account's session `id` (the caller's own is a logout).
pub async fn end(state: &AppState, session: &Session, id: &str, caller: &Caller) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !store::sessions::delete_of_user(&mut *tx, session.user_id, id.trim()).await? {
        return Err(AppError::NotFound);
    }
    security_events::record(
        &mut *tx,
        session.user_id,
        SecurityEventKind::SessionEnded,
        caller.ip(),
        caller.now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "Log out other sessions": every other session ends, logins in flight included, and every
/// remembered browser is forgotten (the account moves to a new authentication epoch). Answers
/// how many sessions ended.
pub async fn end_others(state: &AppState, session: &Session, caller: &Caller) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let ended = sessions::new_epoch(&mut tx, session).await?;
    let kind = SecurityEventKind::OtherSessionsEnded;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), caller.now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %session.user_id, ended, "other sessions ended");
    Ok(ended)
}

/// The account's remembered browsers at its current epoch; browsers named in `locale`.
pub async fn remembered(
    state: &AppState,
    session: &Session,
    now: i64,
    locale: Locale,
) -> Result<Vec<RememberedBrowser>, AppError> {
    let rows = store::remembered_browsers::of_user(&state.db, session.user_id, now).await?;
    Ok(rows
        .into_iter()
        .filter(|row| row.auth_epoch == session.epoch)
        .map(|row| RememberedBrowser {
            browser: describe_browser(row.user_agent.as_deref(), locale),
            id: row.id.into_string(),
            ip: row.ip,
            remembered_at: row.created_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// Forgets the remembered browser `id`: its next login asks for the code again.
pub async fn forget(state: &AppState, session: &Session, id: &str, caller: &Caller) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !store::remembered_browsers::delete_of_user(&mut *tx, session.user_id, &LinkId::parse(id)).await? {
        return Err(AppError::NotFound);
    }
    let kind = SecurityEventKind::BrowserForgotten;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), caller.now).await?;
    tx.commit().await?;
    Ok(())
}
