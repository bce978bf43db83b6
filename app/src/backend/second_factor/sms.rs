//! Texted codes (SMS): the account's mobile number, turning SMS on, and the codes. A setup's
//! number belongs to the session that typed it until a code texted to it proves it; then it
//! becomes the account's, with the backup codes, in one transaction, as the app's key does.
//!
//! A code is six digits from the OS CSPRNG, lives 5 minutes, belongs to the session it was sent
//! to, is accepted once, dies at its fifth wrong try, and is kept only as a keyed hash; a new one
//! replaces the one before. Wrong codes count in the account's guessing limits like the app's.
//! Texts go out only to a session past the password (a setup re-checks it): no anonymous
//! request sends one. Each is counted against a growing wait per session and daily limits per
//! account, per number, per client address and for the whole server (SMS pumping).

use sqlx::{AnyConnection, AnyPool};

use super::backup_codes::FreshBackupCodes;
use super::proof::{AppCode, Holder};
use crate::backend::caller::Caller;
use crate::backend::crypto::{sealing, sms_codes};
use crate::backend::ids::{SessionId, UserId};
use crate::backend::mail::{notices, Notice};
use crate::backend::password_check::check_password;
use crate::backend::sessions::{self, Session};
use crate::backend::sms::text::{code_text, CODE_LIFETIME_SECS};
use crate::backend::sms::{MobileNumber, SendFailure, Text};
use crate::backend::store::{self, security_events};
use crate::backend::throttle::{self, DAY_SECS};
use crate::backend::{telemetry, AppState};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{BackupCodes, SmsCodeSent, PENDING_SECRET_SECS};

/// A code dies at this many wrong tries.
pub const MAX_WRONG_TRIES: i64 = 5;
/// Texts one session may ask for (a login, a setup): a new login starts again.
pub const MAX_SENDS_PER_SESSION: i64 = 5;
/// The wait after a session's first text before the next; it doubles with each.
pub const FIRST_RESEND_WAIT_SECS: i64 = 30;
/// Texts a day, per account, per number (whatever the account) and per client address (and ten
/// times that per IPv6 /48).
pub const SENDS_PER_ACCOUNT_A_DAY: i64 = 10;
pub const SENDS_PER_NUMBER_A_DAY: i64 = 10;
pub const SENDS_PER_CLIENT_A_DAY: i64 = 20;
/// Texts a day to a number typed in a setup or a change, not yet proven: counted apart, so that
/// whoever types someone else's number can neither flood it nor use up the texts its owner logs
/// in with.
pub const SENDS_TO_A_NEW_NUMBER_A_DAY: i64 = 3;

/// Where a text goes: the account's number (a login, a proof), or one typed and not yet proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    OnFile,
    New,
}

/// The associated data a number of `user_id` is sealed with: a number copied onto another
/// account's row does not open.
pub fn number_context(user_id: UserId) -> String {
    format!("sms-number:{user_id}")
}

/// Whether the account has SMS as a second factor.
pub async fn is_on(db: &AnyPool, user_id: UserId) -> Result<bool, AppError> {
    Ok(store::sms::number(db, user_id).await?.is_some())
}

fn open_number(state: &AppState, sealed: &[u8], user_id: UserId) -> Result<MobileNumber, AppError> {
    let plain = sealing::open(&state.settings.data_key, sealed, &number_context(user_id))?;
    let e164 = String::from_utf8(plain).map_err(|e| AppError::internal("a stored number", e))?;
    Ok(MobileNumber::from_stored(e164))
}

/// The account's number, masked (`•••• ••• 678`), while SMS is on.
pub async fn masked_number(state: &AppState, user_id: UserId) -> Result<Option<String>, AppError> {
    let Some(stored) = store::sms::number(&state.db, user_id).await? else {
        return Ok(None);
    };
    Ok(Some(open_number(state, &stored.number, user_id)?.masked()))
}

/// The wait after a session's `sends`-th text before the next may go.
pub fn wait_after(sends: i64) -> i64 {
    FIRST_RESEND_WAIT_SECS << (sends - 1).clamp(0, 6)
}

/// Texts a fresh code for `session_id` to `number`, within every limit; the code replaces the
/// session's previous one only once the provider took the text, so a failure leaves no code
/// that was never sent. The code is good only for that number.
async fn send_code(
    state: &AppState,
    session_id: &SessionId,
    user_id: UserId,
    (number, recipient): (&MobileNumber, Recipient),
    locale: Locale,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let (db, now, settings) = (&state.db, caller.now, &state.settings);
    let sends = match store::sms::code(db, session_id, user_id).await? {
        Some(previous) => {
            if previous.sends >= MAX_SENDS_PER_SESSION {
                return Err(AppError::TooManyAttempts { retry_after_secs: PENDING_SECRET_SECS });
            }
            // No wait after a code that was used (its count starts again at 0).
            let next_at = previous.sent_at + wait_after(previous.sends);
            if previous.sends > 0 && now < next_at {
                return Err(AppError::TooManyAttempts { retry_after_secs: next_at - now });
            }
            previous.sends
        }
        None => 0,
    };
    count_within_daily_limits(state, user_id, (number, recipient), caller).await?;

    let code = sms_codes::generate();
    let body = code_text(&code, &settings.issuer, &settings.public_url, locale)
        .ok_or_else(|| AppError::internal("a texted code", "its text does not fit one GSM-7 part"))?;
    if let Err(failure) = state.texts.send(&Text { to: number.clone(), body }).await {
        // The number is logged masked, the code not at all; the provider's code tells the cause.
        tracing::warn!(user_id = %user_id, to = %number.masked(), %failure, "a text was not sent");
        return Err(match failure {
            SendFailure::NumberRefused { .. } => {
                telemetry::sms("refused");
                AppError::SmsNumberRefused
            }
            _ => {
                telemetry::sms("failed");
                AppError::SmsNotSent
            }
        });
    }
    telemetry::sms("sent");
    let code_hash = sms_codes::code_hash(&settings.data_key, session_id.as_str(), &code);
    let number_hash = sms_codes::number_hash(&settings.data_key, number.e164());
    let stored = store::sms::StoredCode { code_hash: &code_hash, number_hash: &number_hash };
    store::sms::put_code(db, session_id, user_id, stored, now, now + CODE_LIFETIME_SECS, sends + 1).await?;
    Ok(SmsCodeSent {
        to: number.masked(),
        resend_after_secs: wait_after(sends + 1),
        expires_in_secs: CODE_LIFETIME_SECS,
    })
}

/// Counts one text against the day's limits of the account, the number, the client's address
/// and the whole server; refuses, counting nothing, when one is reached. Texts to new numbers
/// have limits of their own, and at most half of the server's budget, so that no flood of
/// setups can take the texts people log in with.
async fn count_within_daily_limits(
    state: &AppState,
    user_id: UserId,
    (number, recipient): (&MobileNumber, Recipient),
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, settings) = (&state.db, caller.now, &state.settings);
    let day = now.div_euclid(DAY_SECS);
    let tomorrow = (day + 1) * DAY_SECS - now;
    let number_hash = sms_codes::number_hash(&settings.data_key, number.e164());
    let budget = i64::from(settings.sms_daily_limit);
    let mut limits = vec![(format!("account:{user_id}"), SENDS_PER_ACCOUNT_A_DAY)];
    match recipient {
        Recipient::OnFile => limits.push((format!("number:{number_hash}"), SENDS_PER_NUMBER_A_DAY)),
        Recipient::New => {
            limits.push((format!("new-number:{number_hash}"), SENDS_TO_A_NEW_NUMBER_A_DAY));
            limits.push(("server-new-numbers".to_owned(), budget / 2));
        }
    }
    if let Some(ip) = caller.ip() {
        limits.push((format!("client:{}", throttle::counted_address(ip)), SENDS_PER_CLIENT_A_DAY));
        if let Some(site) = throttle::counted_site(ip) {
            limits.push((format!("client-site:{site}"), 10 * SENDS_PER_CLIENT_A_DAY));
        }
    }
    limits.push(("server".to_owned(), budget));
    let mut tx = db.begin().await?;
    for (scope, limit) in &limits {
        if store::sms::count_send(&mut *tx, scope, day).await? > *limit {
            drop(tx);
            if scope.starts_with("server") {
                tracing::error!(
                    limit,
                    "the server's daily SMS budget is spent: no texts until midnight UTC (--sms-daily-limit)"
                );
                telemetry::sms("over_budget");
                return Err(AppError::SmsNotSent);
            }
            return Err(AppError::TooManyAttempts { retry_after_secs: tomorrow });
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Step 1 of setup: re-checks the password, keeps the typed number for this session and texts
/// a code to it. Typing another number replaces it.
pub async fn begin_setup(
    state: &AppState,
    session: &Session,
    password: &str,
    typed_number: &str,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if super::is_on(db, user_id).await? && !session.setup_only {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let number = MobileNumber::parse(typed_number, &state.settings.sms_calling_codes)?;
    let account = check_password(db, session, password, caller).await?;
    let sealed = sealing::seal(&state.settings.data_key, number.e164().as_bytes(), &number_context(user_id))?;
    let mut tx = db.begin().await?;
    store::sms::set_pending_number(&mut *tx, &session.id, user_id, &sealed, now).await?;
    let kind = SecurityEventKind::TwoFactorSetupStarted;
    security_events::record(&mut *tx, user_id, kind, caller.ip(), now).await?;
    tx.commit().await?;
    telemetry::setup_started();
    send_code(state, &session.id, user_id, (&number, Recipient::New), account.locale(), caller).await
}

/// "Send again" during setup: a new code to the session's pending number.
pub async fn resend_setup_code(
    state: &AppState,
    session: &Session,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let (db, user_id) = (&state.db, session.user_id);
    let pending = store::sms::pending_number(db, &session.id, user_id, caller.now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    send_to_stored(state, session, &pending.number, Recipient::New, caller).await
}

/// Texts a fresh code for `session` to a number as stored (sealed), in the account's language.
async fn send_to_stored(
    state: &AppState,
    session: &Session,
    sealed: &[u8],
    recipient: Recipient,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let number = open_number(state, sealed, session.user_id)?;
    let account = store::users::find_by_id(&state.db, session.user_id).await?;
    send_code(state, &session.id, session.user_id, (&number, recipient), account.locale(), caller).await
}

/// Step 2 of setup: the texted code turns SMS on, with ten backup codes, and every other
/// session ends, in one transaction (as for the app).
pub async fn confirm_setup(
    state: &AppState,
    session: &Session,
    code: &AppCode,
    caller: &Caller,
) -> Result<BackupCodes, AppError> {
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), session.user_id);
    if super::is_on(db, user_id).await? && !session.setup_only {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let pending = store::sms::pending_number(db, &session.id, user_id, now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    let number = open_number(state, &pending.number, user_id)?;
    let holder = Holder { user_id, epoch: session.epoch, session: Some(session.id.clone()) };
    check_code(state, &holder, code, &number, caller).await?;

    let fresh = FreshBackupCodes::make(state, session).await?;
    let mut tx = db.begin().await?;
    let other_sessions_ended = match sessions::new_epoch(&mut tx, session).await {
        Err(AppError::LoginRequired) if super::is_on(db, user_id).await? => {
            return Err(AppError::TwoFactorAlreadyOn)
        }
        ended => ended?,
    };
    super::replace_old_factors(&mut tx, session).await?;
    if !store::sms::insert_number(&mut *tx, user_id, &pending.number, now).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    store::sms::delete_pending_numbers_of_account(&mut *tx, user_id).await?;
    // An app setup begun meanwhile would turn the app on later without a current factor.
    store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
    fresh.store(&mut tx, session, now).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorEnabled, ip, now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::TwoFactorEnabled, caller).await?;
    tx.commit().await?;
    telemetry::setup_completed();
    tracing::info!(user_id = %user_id, other_sessions_ended, "2FA turned on, by SMS");
    Ok(fresh.shown(state, session, caller))
}

/// A new number (added as a fallback of the app, or in place of the one before): with the
/// password and a current second factor (the app's code, a backup code, or a code texted to the
/// number on file), the new number is kept for this session and texted a code; the change is
/// made only once that code comes back (`confirm_number_change`).
pub async fn begin_number_change(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: &str,
    typed_number: &str,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if !super::is_on(db, user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    let number = MobileNumber::parse(typed_number, &state.settings.sms_calling_codes)?;
    let account = check_password(db, session, password, caller).await?;
    super::consume(state, session, super::Entered::guess(proof)?, caller).await?;
    let sealed = sealing::seal(&state.settings.data_key, number.e164().as_bytes(), &number_context(user_id))?;
    store::sms::set_pending_number(db, &session.id, user_id, &sealed, now).await?;
    send_code(state, &session.id, user_id, (&number, Recipient::New), account.locale(), caller).await
}

/// The code texted to the new number makes it the account's; every other session ends, and the
/// change is recorded and mailed.
pub async fn confirm_number_change(
    state: &AppState,
    session: &Session,
    code: &AppCode,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if !super::is_on(db, user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    let pending = store::sms::pending_number(db, &session.id, user_id, now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    let number = open_number(state, &pending.number, user_id)?;
    let holder = Holder { user_id, epoch: session.epoch, session: Some(session.id.clone()) };
    check_code(state, &holder, code, &number, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    store::sms::replace_number(&mut *tx, user_id, &pending.number, now).await?;
    store::sms::delete_pending_numbers_of_account(&mut *tx, user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::PhoneNumberChanged, caller.ip(), now)
        .await?;
    let notice = Notice::PhoneNumberChanged { ending: number.ending() };
    notices::notify(&mut tx, &state.settings, user_id, notice, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "number for texted codes set");
    Ok(())
}

/// Removes the number, with the password and a factor that remains (the app's code or a backup
/// code): refused while SMS is the only method (turning 2FA off is the way then).
pub async fn remove_number(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if !is_on(db, user_id).await? {
        return Err(AppError::NotFound);
    }
    if super::methods(db, user_id).await? == [super::Method::Sms] {
        return Err(AppError::OnlySecondFactor);
    }
    check_password(db, session, password, caller).await?;
    // With the app on, six digits are the app's code: a texted code does not prove what remains.
    super::consume(state, session, super::Entered::guess(proof)?, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    remove(&mut tx, user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::PhoneNumberRemoved, caller.ip(), now)
        .await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::PhoneNumberRemoved, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "number for texted codes removed");
    Ok(())
}

/// After a correct password: texts a code to the account's number.
pub async fn send_login_code(
    state: &AppState,
    session: &Session,
    caller: &Caller,
) -> Result<SmsCodeSent, AppError> {
    let (db, user_id) = (&state.db, session.user_id);
    let stored = store::sms::number(db, user_id).await?.ok_or(AppError::TwoFactorOff)?;
    send_to_stored(state, session, &stored.number, Recipient::OnFile, caller).await
}

/// The text a login sends by itself, right after the correct password, to an account whose only
/// method is SMS (one with the app too is asked for the app's code first, and may ask for a
/// text). A text that cannot go out does not stop the login: the prompt offers "Send again" and
/// the backup codes.
pub async fn send_after_password(
    state: &AppState,
    session: &Session,
    caller: &Caller,
) -> Result<(), AppError> {
    // With the app or a passkey too, the prompt offers them first; a text is sent when asked for.
    if super::methods(&state.db, session.user_id).await? != [super::Method::Sms] {
        return Ok(());
    }
    match send_login_code(state, session, caller).await {
        Err(AppError::Internal) => Err(AppError::Internal),
        Err(refused) => {
            tracing::info!(user_id = %session.user_id, %refused, "no text after the password");
            Ok(())
        }
        Ok(_) => Ok(()),
    }
}

/// Whether a texted code for `session` is live at `now`.
pub async fn has_live_code(db: &AnyPool, session: &Session, now: i64) -> Result<bool, AppError> {
    let code = store::sms::code(db, &session.id, session.user_id).await?;
    Ok(code.is_some_and(|code| code.expires_at > now && code.wrong_tries < MAX_WRONG_TRIES))
}

/// Accepts `code` when it is the live code texted to the holder's session at the account's
/// number: a code sent to a number typed in a setup or a change proves nothing until that
/// number is the account's.
pub(super) async fn consume_sms_code(
    state: &AppState,
    holder: &Holder,
    code: &AppCode,
    caller: &Caller,
) -> Result<(), AppError> {
    let outcome = match store::sms::number(&state.db, holder.user_id).await? {
        Some(stored) => {
            let on_file = open_number(state, &stored.number, holder.user_id)?;
            check_code(state, holder, code, &on_file, caller).await
        }
        None => Err(AppError::TwoFactorOff),
    };
    telemetry::second_factor("sms_code", &outcome);
    outcome
}

/// Uses up `code` when it is the live code texted to the holder's session at `sent_to`; every
/// try counts in the account's guessing limits.
async fn check_code(
    state: &AppState,
    holder: &Holder,
    code: &AppCode,
    sent_to: &MobileNumber,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, holder.user_id);
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    // A code belongs to the session it was sent to: without one (a reset link), none matches.
    let taken = match &holder.session {
        Some(session_id) => {
            let key = &state.settings.data_key;
            let code_hash = sms_codes::code_hash(key, session_id.as_str(), code.as_str());
            let number_hash = sms_codes::number_hash(key, sent_to.e164());
            let stored = store::sms::StoredCode { code_hash: &code_hash, number_hash: &number_hash };
            store::sms::take_code(db, session_id, user_id, stored, now, MAX_WRONG_TRIES).await?
        }
        None => false,
    };
    if !taken {
        let mut tx = db.begin().await?;
        if let Some(session_id) = &holder.session {
            store::sms::count_wrong_try(&mut *tx, session_id, user_id).await?;
        }
        let kind = SecurityEventKind::WrongCode;
        notices::record_wrong_code(&mut tx, &state.settings, user_id, kind, caller).await?;
        tx.commit().await?;
        return Err(AppError::WrongCode);
    }
    throttle::succeeded(db, &scopes, now).await
}

/// Deletes the account's number, any setup of one and its codes, in the transaction of turning
/// 2FA off.
pub(super) async fn remove(tx: &mut AnyConnection, user_id: UserId) -> Result<(), AppError> {
    store::sms::delete_number(&mut *tx, user_id).await?;
    store::sms::delete_pending_numbers_of_account(&mut *tx, user_id).await?;
    store::sms::delete_codes_of_account(&mut *tx, user_id).await
}
