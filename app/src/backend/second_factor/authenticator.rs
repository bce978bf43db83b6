//! The authenticator app (RFC 6238 TOTP): its key, turning it on, and its codes. A setup's
//! pending secret belongs to the session that began it; confirmed by a first code, it becomes
//! the account's credential together with the backup codes, in one transaction. A code's time
//! step is accepted once per account (RFC 6238 §5.2).

use sqlx::{AnyConnection, AnyPool};

use super::backup_codes::FreshBackupCodes;
use super::proof::{AppCode, Holder};
use crate::backend::caller::Caller;
use crate::backend::crypto::totp::{self, TotpCredential, Verdict};
use crate::backend::crypto::{qr, sealing};
use crate::backend::ids::UserId;
use crate::backend::mail::{notices, Notice};
use crate::backend::password_check::check_password;
use crate::backend::sessions::{self, Session};
use crate::backend::store::{self, security_events};
use crate::backend::time::UnixTime;
use crate::backend::{telemetry, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{group_key, AuthenticatorKey, BackupCodes, PENDING_SECRET_SECS};

/// The associated data a TOTP secret of `user_id` is sealed with: a secret copied onto another
/// account's row does not open.
pub fn secret_context(user_id: UserId) -> String {
    format!("totp-secret:{user_id}")
}

/// Whether the account has the app as its second factor.
pub async fn is_on(db: &AnyPool, user_id: UserId) -> Result<bool, AppError> {
    Ok(store::totp::credential(db, user_id).await?.is_some())
}

/// The QR code, URI and key of `secret`, as an authenticator app takes them.
fn authenticator_key(
    state: &AppState,
    email: String,
    secret: &[u8],
    expires_at: Option<i64>,
) -> Result<AuthenticatorKey, AppError> {
    let key = totp::base32(secret);
    let uri = totp::otpauth_uri(&state.settings.issuer, &email, &key);
    Ok(AuthenticatorKey {
        qr_svg: qr::svg_of(&uri)?,
        uri,
        key: group_key(&key),
        account_name: email,
        issuer: state.settings.issuer.clone(),
        expires_at,
    })
}

/// Step 1 of setup: re-checks the password and returns the session's pending secret, the same
/// one until it is confirmed or expires, so a key already saved for other phones stays valid.
/// The secret belongs to this session alone: another session of the account, such as a
/// password thief's, gets a key of its own and never sees this one.
pub async fn begin_setup(
    state: &AppState,
    session: &Session,
    password: &str,
    caller: &Caller,
) -> Result<AuthenticatorKey, AppError> {
    if super::is_on(&state.db, session.user_id).await? && !session.setup_only {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let account = check_password(&state.db, session, password, caller).await?;
    pending_key(state, session, account.email, caller).await
}

/// The session's pending key, made now unless it has one.
async fn pending_key(
    state: &AppState,
    session: &Session,
    email: String,
    caller: &Caller,
) -> Result<AuthenticatorKey, AppError> {
    let (db, now) = (&state.db, caller.now);
    let expired_at = now - PENDING_SECRET_SECS;
    let mut tx = db.begin().await?;
    store::totp::delete_expired_pending_of_session(&mut *tx, &session.id, expired_at).await?;
    let fresh =
        sealing::seal(&state.settings.data_key, &totp::new_secret(), &secret_context(session.user_id))?;
    // Two tabs of one session beginning at once both end up with the one row that won.
    if store::totp::insert_pending(&mut *tx, &session.id, session.user_id, &fresh, now).await? {
        let kind = SecurityEventKind::TwoFactorSetupStarted;
        security_events::record(&mut *tx, session.user_id, kind, caller.ip(), now).await?;
        tx.commit().await?;
        telemetry::setup_started();
    } else {
        tx.commit().await?;
    }
    let pending = store::totp::pending_of_session(db, &session.id, session.user_id, expired_at)
        .await?
        .ok_or_else(|| AppError::internal("begin setup", "pending secret vanished"))?;
    let secret = sealing::open(&state.settings.data_key, &pending.secret, &secret_context(session.user_id))?;
    authenticator_key(state, email, &secret, Some(pending.created_at + PENDING_SECRET_SECS))
}

/// The app beside texted codes: with the password and a current second factor (a texted code or
/// a backup code), a pending key for this session, as in a first setup.
pub async fn begin_adding(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: &str,
    caller: &Caller,
) -> Result<AuthenticatorKey, AppError> {
    let db = &state.db;
    if is_on(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    if !super::is_on(db, session.user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    let account = check_password(db, session, password, caller).await?;
    super::consume(state, session, super::Entered::guess(proof)?, caller).await?;
    pending_key(state, session, account.email, caller).await
}

/// A first code from the app adds it beside texted codes: the backup codes stay, every other
/// session ends, and the change is recorded and mailed.
pub async fn confirm_adding(
    state: &AppState,
    session: &Session,
    code: &AppCode,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if is_on(db, user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    if !super::is_on(db, user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    let pending = store::totp::pending_of_session(db, &session.id, user_id, now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    let secret = sealing::open(&state.settings.data_key, &pending.secret, &secret_context(user_id))?;
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let Verdict::Accepted { step } = TotpCredential::fresh(secret).verify(code.as_str(), UnixTime(now))?
    else {
        security_events::record(db, user_id, SecurityEventKind::WrongCode, caller.ip(), now).await?;
        return Err(AppError::WrongCode);
    };
    throttle::succeeded(db, &scopes, now).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    if !store::totp::insert_credential(&mut *tx, user_id, &pending.secret, now, step).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
    let kind = SecurityEventKind::AuthenticatorAdded;
    security_events::record(&mut *tx, user_id, kind, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::AuthenticatorAdded, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "authenticator app added beside texted codes");
    Ok(())
}

/// Step 2 of setup: a code from the app turns 2FA on. The session's pending secret, exactly the
/// one the code was checked against, becomes the credential, the code's time step is recorded
/// as used (it cannot log in afterwards), ten backup codes are made, the event is recorded and
/// every other session ends, all in one transaction: a crash leaves the account either without
/// 2FA or with all of it.
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
    let pending = store::totp::pending_of_session(db, &session.id, user_id, now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    let secret = sealing::open(&state.settings.data_key, &pending.secret, &secret_context(user_id))?;
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let Verdict::Accepted { step } = TotpCredential::fresh(secret).verify(code.as_str(), UnixTime(now))?
    else {
        security_events::record(db, user_id, SecurityEventKind::WrongCode, ip, now).await?;
        return Err(AppError::WrongCode);
    };
    throttle::succeeded(db, &scopes, now).await?;

    let fresh = FreshBackupCodes::make(state, session).await?;
    let mut tx = db.begin().await?;
    // Whoever logged in elsewhere with the password alone (perhaps the reason for turning 2FA
    // on), or is logging in right now, is shut out: from now on every session has passed the
    // second factor. First, so that a session that has ended meanwhile changes nothing.
    let other_sessions_ended = match sessions::new_epoch(&mut tx, session).await {
        // A parallel confirmation of this same session won.
        Err(AppError::LoginRequired) if is_on(db, user_id).await? => {
            return Err(AppError::TwoFactorAlreadyOn)
        }
        ended => ended?,
    };
    super::replace_old_factors(&mut tx, session).await?;
    if !store::totp::insert_credential(&mut *tx, user_id, &pending.secret, now, step).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
    // A number being set up meanwhile would turn SMS on later without a current factor.
    store::sms::delete_pending_numbers_of_account(&mut *tx, user_id).await?;
    fresh.store(&mut tx, session, now).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorEnabled, ip, now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::TwoFactorEnabled, caller).await?;
    tx.commit().await?;
    telemetry::setup_completed();
    tracing::info!(user_id = %user_id, other_sessions_ended, "2FA turned on");
    Ok(fresh.shown(state, session, caller))
}

/// Accepts `code` when it is valid at `now` and of a later time step than every code this
/// account had accepted before.
pub(super) async fn consume_app_code(
    state: &AppState,
    holder: Holder,
    code: &AppCode,
    caller: &Caller,
) -> Result<(), AppError> {
    let outcome = check_app_code(state, holder, code, caller).await;
    telemetry::second_factor("app_code", &outcome);
    outcome
}

async fn check_app_code(
    state: &AppState,
    holder: Holder,
    code: &AppCode,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), holder.user_id);
    let settings = &state.settings;
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let stored = store::totp::credential(db, user_id).await?.ok_or(AppError::TwoFactorOff)?;
    let secret = sealing::open(&state.settings.data_key, &stored.secret, &secret_context(user_id))?;
    let credential = TotpCredential::new(secret, stored.last_step);
    let reused = match credential.verify(code.as_str(), UnixTime(now))? {
        Verdict::Wrong => {
            let mut tx = db.begin().await?;
            notices::record_wrong_code(&mut tx, settings, user_id, SecurityEventKind::WrongCode, caller)
                .await?;
            tx.commit().await?;
            return Err(AppError::WrongCode);
        }
        Verdict::Reused => true,
        // The database decides between parallel submissions of one code.
        Verdict::Accepted { step } => !store::totp::use_step(db, user_id, step).await?,
    };
    if reused {
        tracing::info!(user_id = %user_id, "a code of an already used time step was refused");
        telemetry::code_reused();
        let mut tx = db.begin().await?;
        security_events::record(&mut *tx, user_id, SecurityEventKind::CodeReused, ip, now).await?;
        notices::notify(&mut tx, settings, user_id, Notice::CodeReused, caller).await?;
        tx.commit().await?;
        return Err(AppError::WrongCode);
    }
    throttle::succeeded(db, &scopes, now).await
}

/// Deletes the account's app secret and any setup of one, in the transaction of turning 2FA off.
pub(super) async fn remove(tx: &mut AnyConnection, user_id: UserId) -> Result<(), AppError> {
    store::totp::delete_credential(&mut *tx, user_id).await?;
    store::totp::delete_pending_of_account(&mut *tx, user_id).await
}

/// The account's active key, as an app takes it (for another smartphone).
pub(super) async fn active_key(
    state: &AppState,
    user_id: UserId,
    email: String,
) -> Result<AuthenticatorKey, AppError> {
    let stored = store::totp::credential(&state.db, user_id).await?.ok_or(AppError::TwoFactorOff)?;
    let secret = sealing::open(&state.settings.data_key, &stored.secret, &secret_context(user_id))?;
    authenticator_key(state, email, &secret, None)
}
