//! Temporary access codes, for a person who lost every second factor (phone and backup codes):
//! given by an administrator or on the server's command line, with a reason, recorded and
//! mailed. With the password, a code starts a session that reaches nothing but a new 2FA
//! setup; when that setup is done, the old key, number, passkeys and backup codes stop working.
//! 2FA is never simply switched off.

use crate::account::{AuthLevel, Viewer};
use crate::backend::caller::Caller;
use crate::backend::crypto::access_codes;
use crate::backend::mail::{notices, Notice};
use crate::backend::sessions::{self, Session};
use crate::backend::store::access_codes::NewAccessCode;
use crate::backend::store::{self, security_events};
use crate::backend::{throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

use super::admin_actions::{self, Actor};
use super::login::StartedSession;

/// The longest a code lives.
pub const MAX_HOURS: u32 = 24;
const MAX_REASON_CHARS: usize = 500;

/// A code just given: shown once, to whoever gave it.
pub struct GivenCode {
    pub code: String,
    pub expires_at: i64,
}

/// Gives the account of `email` a code valid for `hours` (1 to 24); any code of it not yet used
/// stops working. `actor` is who gives it, as the record names them.
pub async fn give(
    state: &AppState,
    email: &str,
    reason: &str,
    hours: u32,
    actor: Actor<'_>,
    now: i64,
) -> Result<GivenCode, AppError> {
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(AppError::bad_request(format!("hours: from 1 to {MAX_HOURS}")));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::bad_request(format!("reason: 1 to {MAX_REASON_CHARS} characters")));
    }
    let email = crate::account::normalize_email(email)?;
    let account = store::users::find_by_email(&state.db, &email).await?.ok_or(AppError::NotFound)?;
    let code = access_codes::generate();
    let canonical = access_codes::normalize(&code).ok_or(AppError::Internal)?;
    let expires_at = now + i64::from(hours) * 3600;
    let mut tx = state.db.begin().await?;
    store::access_codes::expire_unused(&mut *tx, account.id, now).await?;
    let row = NewAccessCode {
        user_id: account.id,
        code_hash: &access_codes::hash(&canonical),
        given_by: actor.name(),
        reason,
        created_at: now,
        expires_at,
    };
    store::access_codes::insert(&mut *tx, &row).await?;
    admin_actions::record(&mut tx, actor, (account.id, "access_code"), reason, now).await?;
    security_events::record(&mut *tx, account.id, SecurityEventKind::AccessCodeGiven, None, now).await?;
    let notice = Notice::AccessCodeGiven { hours };
    notices::notify(&mut tx, &state.settings, account.id, notice, &Caller::at(now)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %account.id, given_by = actor.name(), hours, "temporary access code given");
    Ok(GivenCode { code, expires_at })
}

/// Login step 2 with a temporary access code, for a password-verified session: the code is used
/// once, counts in the account's guessing limits as a wrong code does, and the new session
/// reaches nothing but a new 2FA setup. No device cookie and no "remember this browser": the
/// browser has proved nothing yet.
pub async fn log_in(
    state: &AppState,
    session: &Session,
    typed: &str,
    caller: &Caller,
) -> Result<StartedSession, AppError> {
    if session.level != AuthLevel::PasswordVerified {
        return Err(AppError::AlreadyLoggedIn);
    }
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let taken = match access_codes::normalize(typed) {
        Some(canonical) => {
            store::access_codes::take(db, user_id, &access_codes::hash(&canonical), now).await?
        }
        None => false,
    };
    if !taken {
        let mut tx = db.begin().await?;
        let kind = SecurityEventKind::WrongCode;
        notices::record_wrong_code(&mut tx, &state.settings, user_id, kind, caller).await?;
        tx.commit().await?;
        return Err(AppError::AccessCodeInvalid);
    }
    throttle::succeeded(db, &scopes, now).await?;
    let level = AuthLevel::FullyAuthenticated;
    let mut tx = db.begin().await?;
    sessions::end_by_id(&mut *tx, &session.id).await?;
    let token = sessions::start(&mut *tx, user_id, level, session.epoch, caller).await?;
    store::access_codes::mark_setup_only(&mut *tx, &token.id(), user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::AccessCodeUsed, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::AccessCodeUsed, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "logged in with a temporary access code: held to a new setup");
    Ok(StartedSession {
        token,
        viewer: Viewer { email: session.email.clone(), level, email_confirmed: session.email_confirmed },
        device_cookie: None,
        remember_token: None,
    })
}
