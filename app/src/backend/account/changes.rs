//! Changes a person makes to the account itself: a new password, and closing the account. Each
//! takes the password and, with 2FA on, a current code or a backup code. Also the language of
//! the account's mails, which needs neither.

use crate::account::ClosedAccount;
use crate::backend::caller::Caller;
use crate::backend::crypto::passwords::{self, Share};
use crate::backend::ids::UserId;
use crate::backend::mail::{letters, notices, outbox, Notice};
use crate::backend::password_check::check_password;
use crate::backend::second_factor::{self, Entered};
use crate::backend::sessions::{self, Session};
use crate::backend::store::users::Account;
use crate::backend::store::{self, closing, security_events};
use crate::backend::{throttle, AppState};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::security_events::SecurityEventKind;

/// The password, then with 2FA on the second factor: what every change here asks for.
async fn prove(
    state: &AppState,
    session: &Session,
    password: &str,
    code: Option<&str>,
    caller: &Caller,
) -> Result<Account, AppError> {
    let account = check_password(&state.db, session, password, caller).await?;
    prove_second_factor(state, session, &account, code, caller).await?;
    Ok(account)
}

/// With 2FA on, the code or backup code, used up: the last thing a change checks, after every
/// step that could still refuse it (a busy server), so that a refused change consumes nothing.
async fn prove_second_factor(
    state: &AppState,
    session: &Session,
    account: &Account,
    code: Option<&str>,
    caller: &Caller,
) -> Result<(), AppError> {
    if account.two_factor_on() {
        second_factor::consume(state, session, Entered::guess(code.unwrap_or_default())?, caller).await?;
    }
    Ok(())
}

/// Writes the account's mails in `locale` from now on: the language menu calls this when a
/// logged-in person switches language. Mails already queued keep their words.
pub async fn set_account_language(state: &AppState, user_id: UserId, locale: Locale) -> Result<(), AppError> {
    store::users::set_language(&state.db, user_id, locale).await
}

/// Sets a new password (the sign-up rules). Every other session ends and remembered browsers
/// are forgotten (a new authentication epoch); the change is recorded and mailed.
pub async fn change_password(
    state: &AppState,
    session: &Session,
    current: &str,
    new: &str,
    code: Option<&str>,
    caller: &Caller,
) -> Result<(), AppError> {
    passwords::check_new(new.to_owned(), session.email.clone(), Share::AccountHolder).await?;
    let account = check_password(&state.db, session, current, caller).await?;
    let hash = passwords::hash(new.to_owned(), Share::AccountHolder).await?;
    prove_second_factor(state, session, &account, code, caller).await?;
    let mut tx = state.db.begin().await?;
    let ended = sessions::new_epoch(&mut tx, session).await?;
    store::users::set_password_hash(&mut *tx, session.user_id, &hash).await?;
    let kind = SecurityEventKind::PasswordChanged;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), caller.now).await?;
    notices::notify(&mut tx, &state.settings, session.user_id, Notice::PasswordChanged, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %session.user_id, other_sessions_ended = ended, "password changed");
    Ok(())
}

/// Deletes every row of the account in one transaction: its sessions, 2FA secret and backup
/// codes, remembered browsers, mailed links, history and guessing counters, and the account
/// itself; its waiting mails, and one that says it is closed, still go out. Answers what was
/// deleted.
pub async fn close_account(
    state: &AppState,
    session: &Session,
    password: &str,
    code: Option<&str>,
    caller: &Caller,
) -> Result<ClosedAccount, AppError> {
    let account = prove(state, session, password, code, caller).await?;
    let user_id = session.user_id;
    let mut tx = state.db.begin().await?;
    // The account must still be at the session's epoch and the session live: a request of a
    // session ended meanwhile closes nothing.
    let live = store::sessions::move_to_epoch(&mut *tx, &session.id, session.epoch).await?;
    if !live || !closing::mark(&mut *tx, user_id, session.epoch, caller.now).await? {
        return Err(AppError::LoginRequired);
    }
    let mut deleted = std::collections::HashMap::new();
    for table in closing::TABLES_BY_USER {
        deleted.insert(table, closing::delete_rows(&mut *tx, table, user_id).await?);
    }
    // The mails still queued (a warning of the login that led here, say) go out, and one more
    // says the account is closed: its address stays in the queue until they have.
    let mail = letters::compose(
        Notice::AccountClosed,
        &account.email,
        letters::Reader::of_account(&account),
        &state.settings,
        caller,
    );
    outbox::queue(&mut *tx, &state.settings.data_key, &mail, caller.now).await?;
    let mails_waiting = closing::mails_to(&mut *tx, &account.email).await?;
    let mut attempt_counters = 0;
    for scope in throttle::scopes_of_account(user_id, &account.email) {
        attempt_counters += closing::delete_counter(&mut *tx, &scope).await?;
    }
    tx.commit().await?;
    closing::scrub(&state.db).await?;
    tracing::info!(user_id = %user_id, "account closed");
    let count = |table: &str| deleted.get(table).copied().unwrap_or_default();
    Ok(ClosedAccount {
        email: account.email,
        sessions: count("sessions"),
        two_factor_secrets: count("totp_credentials")
            + count("totp_pending")
            + count("sms_numbers")
            + count("sms_pending_numbers"),
        backup_codes: count("backup_codes"),
        remembered_browsers: count("remembered_browsers"),
        security_events: count("security_events"),
        mails_waiting,
        attempt_counters,
    })
}
