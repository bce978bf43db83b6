//! "Forgot password?": a link mailed to the account's address (a random token kept as its
//! SHA-256, single use, alive 30 minutes), whose page sets a new password. With 2FA on and the
//! address confirmed, the page also takes a code from the app or a backup code before anything
//! changes: a stolen mailbox alone must not become a stolen account. An account that never
//! confirmed its address gets the link too: using it proves the address (and ends the sessions
//! of whoever signed up with it). A reset ends every session of the account and
//! forgets its remembered browsers.
//!
//! Asking for a link answers the same whether or not an account has the address; the requests
//! are limited per address, per account and per client (see `throttle::reset_scopes`).

use crate::account::{normalize_email, ResetLinkInfo};
use crate::backend::caller::Caller;
use crate::backend::crypto::passwords::{self, Share};
use crate::backend::ids::LinkToken;
use crate::backend::mail::{letters, notices, LinkMail, Notice};
use crate::backend::second_factor::{self, Entered, Holder};
use crate::backend::store::email_links::{Link, Purpose, RESET_LINK_SECS};
use crate::backend::store::users::Account;
use crate::backend::store::{self, security_events};
use crate::backend::{mail::outbox, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

/// The page a reset link opens.
pub const RESET_PATH: &str = "/reset-password";

/// How long asking for a link takes, whatever the address: longer than making and queueing the
/// mail, so the answer's time does not tell whether an account has the address (which made it
/// 1-4 ms slower).
pub const ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// Mails a reset link to `email` when an account has it; says nothing either way, and
/// answers after `ANSWER_AFTER` either way.
pub async fn request_link(state: &AppState, email: &str, caller: &Caller) -> Result<(), AppError> {
    let answer_at = tokio::time::Instant::now() + ANSWER_AFTER;
    let outcome = send_link_if_confirmed(state, email, caller).await;
    tokio::time::sleep_until(answer_at).await;
    outcome
}

async fn send_link_if_confirmed(state: &AppState, email: &str, caller: &Caller) -> Result<(), AppError> {
    let email = normalize_email(email)?;
    let (db, now) = (&state.db, caller.now);
    let account = store::users::find_by_email(db, &email).await?;
    let scopes = throttle::reset_scopes(&email, account.as_ref().map(|a| (a.id, a.auth_epoch)), caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    // An account that never confirmed its address gets the link too: using it proves control of
    // the address, which takes the address back from whoever signed up with it (see `reset`).
    let Some(account) = account else {
        tracing::info!("password reset asked for an address without an account");
        return Ok(());
    };
    let token = LinkToken::generate();
    let settings = &state.settings;
    let link = format!("{}{RESET_PATH}?token={}", settings.public_url, token.as_str());
    let mail = letters::compose_link(
        LinkMail::ResetPassword,
        &link,
        &account.email,
        letters::Reader::of_account(&account),
        settings,
        caller,
    );
    let mut tx = db.begin().await?;
    let id = token.id();
    store::email_links::insert(
        &mut *tx,
        &id,
        account.id,
        Purpose::ResetPassword,
        &account.email,
        now,
        now + RESET_LINK_SECS,
    )
    .await?;
    outbox::queue_link(&mut *tx, &settings.data_key, &mail, &id, now).await?;
    let kind = SecurityEventKind::PasswordResetRequested;
    security_events::record(&mut *tx, account.id, kind, caller.ip(), now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %account.id, "password reset link queued");
    Ok(())
}

async fn live_link(state: &AppState, token: &LinkToken, now: i64) -> Result<(Link, Account), AppError> {
    let link = store::email_links::find(&state.db, &token.id(), Purpose::ResetPassword, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let account = store::users::find_by_id(&state.db, link.user_id).await?;
    if account.email != link.email {
        return Err(AppError::LinkInvalid);
    }
    Ok((link, account))
}

/// What the reset page shows about a live link, without using it up.
pub async fn check_link(state: &AppState, token: &str, now: i64) -> Result<ResetLinkInfo, AppError> {
    let token = LinkToken::parse(token).ok_or(AppError::LinkInvalid)?;
    let (_, account) = live_link(state, &token, now).await?;
    Ok(ResetLinkInfo { two_factor: second_factor_counts(&account), email: account.email })
}

/// Whether a reset of `account` asks for its second factor: whenever 2FA is on. (An account that
/// never confirmed its address may be an owner's from before confirmation existed: the mailbox
/// alone must not take its second factor away.)
fn second_factor_counts(account: &Account) -> bool {
    account.two_factor_on()
}

/// Sets `new_password` through the link of `token`; with 2FA on (and the address confirmed),
/// `second_factor` (a code from the app or a backup code) must be right first. Ends every session of the account, forgets its
/// other reset links, and records and mails the reset.
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    second_factor: Option<&str>,
    caller: &Caller,
) -> Result<(), AppError> {
    let token = LinkToken::parse(token).ok_or(AppError::LinkInvalid)?;
    let (db, now) = (&state.db, caller.now);
    let (link, account) = live_link(state, &token, now).await?;
    passwords::check_new(new_password.to_owned(), account.email.clone(), Share::AccountHolder).await?;
    // Hashed before the second factor is used up: a busy server then refuses with the code or
    // backup code still the holder's.
    let hash = passwords::hash(new_password.to_owned(), Share::AccountHolder).await?;
    if second_factor_counts(&account) {
        let typed = second_factor.unwrap_or_default();
        let holder = Holder { user_id: account.id, epoch: account.auth_epoch, session: None };
        second_factor::consume(state, holder, Entered::guess(typed)?, caller).await?;
    }
    let mut tx = db.begin().await?;
    if account.email_confirmed_at.is_none() {
        // The link proved control of an address the account never proved: it is confirmed now,
        // and its confirmation links have nothing left to do.
        store::users::confirm_email(&mut *tx, account.id, &account.email, now).await?;
        store::email_links::delete_of_account(&mut *tx, account.id, Purpose::ConfirmEmail).await?;
    }
    // Used up here, so that of two resets through one link only one goes through.
    store::email_links::take(&mut *tx, &token.id(), Purpose::ResetPassword, now)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    // A new epoch ends every session, logins still in flight included (see `sessions`).
    store::users::next_epoch(&mut *tx, link.user_id, account.auth_epoch)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    store::users::set_password_hash(&mut *tx, link.user_id, &hash).await?;
    let ended = store::sessions::delete_all_of_user(&mut *tx, link.user_id).await?;
    store::remembered_browsers::delete_all_of_user(&mut *tx, link.user_id).await?;
    store::email_links::delete_of_account(&mut *tx, link.user_id, Purpose::ResetPassword).await?;
    security_events::record(&mut *tx, link.user_id, SecurityEventKind::PasswordReset, caller.ip(), now)
        .await?;
    notices::notify(&mut tx, &state.settings, link.user_id, Notice::PasswordReset, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %link.user_id, sessions_ended = ended, "password reset");
    Ok(())
}
