//! The account's email address, confirmed through a link mailed at sign-up (a random token, kept
//! as its SHA-256, single use, alive 24 hours). The account works at once; the shell asks to
//! confirm until it is done; a reset link used by an unconfirmed account confirms it too.

use sqlx::AnyConnection;

use crate::backend::caller::Caller;
use crate::backend::ids::{LinkToken, UserId};
use crate::backend::mail::{letters, LinkMail};
use crate::backend::sessions::Session;
use crate::backend::store::email_links::{Purpose, CONFIRM_LINK_SECS};
use crate::backend::store::{self, security_events};
use crate::backend::{mail::outbox, throttle, AppState, Settings};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

/// A new confirmation mail is sent at most this often.
pub const RESEND_AFTER_SECS: i64 = 60;
/// The page a confirmation link opens.
pub const CONFIRM_PATH: &str = "/confirm-email";

/// Makes a confirmation link for `email` and queues its mail in the account's language, in the
/// transaction `conn` (of the sign-up, say).
pub async fn send_confirmation(
    conn: &mut AnyConnection,
    settings: &Settings,
    user_id: UserId,
    email: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let now = caller.now;
    let token = LinkToken::generate();
    let purpose = Purpose::ConfirmEmail;
    store::email_links::insert(
        &mut *conn,
        &token.id(),
        user_id,
        purpose,
        email,
        now,
        now + CONFIRM_LINK_SECS,
    )
    .await?;
    let link = format!("{}{CONFIRM_PATH}?token={}", settings.public_url, token.as_str());
    let (locale, time_zone) = store::users::language_and_time_zone(&mut *conn, user_id).await?;
    let reader = letters::Reader { locale, time_zone: time_zone.as_deref() };
    let mail = letters::compose_link(LinkMail::ConfirmEmail, &link, email, reader, settings, caller);
    outbox::queue_link(&mut *conn, &settings.data_key, &mail, &token.id(), now).await
}

/// "Send the link again", for the session's account while its address is unconfirmed.
pub async fn resend_confirmation(
    state: &AppState,
    session: &Session,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now) = (&state.db, caller.now);
    let account = store::users::find_by_id(db, session.user_id).await?;
    if account.email_confirmed_at.is_some() {
        return Err(AppError::EmailAlreadyConfirmed);
    }
    if let Some(last) = store::email_links::newest(db, session.user_id, Purpose::ConfirmEmail, now).await? {
        if now - last < RESEND_AFTER_SECS {
            return Err(AppError::TooManyAttempts { retry_after_secs: RESEND_AFTER_SECS - (now - last) });
        }
    }
    // Counted too, atomically (parallel requests all count): a few, then fewer, ten a day.
    throttle::begin_attempt(db, &[throttle::confirmation_resend_scope(session.user_id)], now).await?;
    let mut tx = db.begin().await?;
    send_confirmation(&mut tx, &state.settings, session.user_id, &account.email, caller).await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms the address a link was sent to; answers it. The link is used up, and every other
/// confirmation link of the account with it.
pub async fn confirm(state: &AppState, token: &str, caller: &Caller) -> Result<String, AppError> {
    let token = LinkToken::parse(token).ok_or(AppError::LinkInvalid)?;
    let (db, now) = (&state.db, caller.now);
    let mut tx = db.begin().await?;
    let link = store::email_links::take(&mut *tx, &token.id(), Purpose::ConfirmEmail, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if !store::users::confirm_email(&mut *tx, link.user_id, &link.email, now).await? {
        // Confirmed meanwhile by another of its links; or the address changed since.
        return Err(AppError::LinkInvalid);
    }
    store::email_links::delete_of_account(&mut *tx, link.user_id, Purpose::ConfirmEmail).await?;
    security_events::record(&mut *tx, link.user_id, SecurityEventKind::EmailConfirmed, caller.ip(), now)
        .await?;
    tx.commit().await?;
    tracing::info!(user_id = %link.user_id, "email address confirmed");
    Ok(link.email)
}
