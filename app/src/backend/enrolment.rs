//! 2FA with an authenticator app on an account: turning it on (a pending secret of the session
//! that began the setup, confirmed by a first code, becomes the credential together with its
//! backup codes, in one transaction), new backup codes, the key again for another smartphone,
//! and turning it off. Each change to the factors is recorded in its own transaction and starts
//! a new authentication epoch: every other session of the account ends.

use sqlx::{AnyConnection, AnyPool};

use super::caller::Caller;
use super::crypto::totp::{self, TotpCredential, Verdict};
use super::crypto::{backup_codes, passwords, qr, sealing};
use super::ids::{SessionId, UserId};
use super::notices::{self, Notice};
use super::proofs::{self, secret_context, Proof};
use super::sessions::{self, Session};
use super::store::users::Account;
use super::store::{self, security_events};
use super::{telemetry, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{
    backup_file_name, group_key, normalize_code, AuthenticatorKey, BackupCodes, TwoFactorStatus,
    PENDING_SECRET_SECS,
};

/// How long after making them the session that made the backup codes may download them.
pub const DOWNLOAD_WINDOW_SECS: i64 = 10 * 60;

/// The associated data the download copy of a session's backup codes is sealed with.
pub fn downloads_context(session_id: &SessionId) -> String {
    format!("backup-codes:{session_id}")
}

pub async fn is_enabled(db: &AnyPool, user_id: UserId) -> Result<bool, AppError> {
    Ok(store::totp::credential(db, user_id).await?.is_some())
}

pub async fn status(db: &AnyPool, user_id: UserId) -> Result<TwoFactorStatus, AppError> {
    let (enabled_since, backup_codes_left) = store::totp::status(db, user_id).await?;
    Ok(TwoFactorStatus {
        enabled: enabled_since.is_some(),
        enabled_since,
        backup_codes_left: u32::try_from(backup_codes_left).unwrap_or_default(),
    })
}

/// Re-checks the password of the session's account before a change to how it logs in.
/// It counts against the same limit as password logins.
pub(super) async fn check_password(
    db: &AnyPool,
    session: &Session,
    password: &str,
    caller: &Caller,
) -> Result<Account, AppError> {
    let account = store::users::find_by_id(db, session.user_id).await?;
    let scopes = throttle::password_scopes(&account.email, Some((account.id, session.epoch)), caller);
    throttle::begin_attempt(db, &scopes, caller.now).await?;
    let checked = passwords::verify(password.to_owned(), account.password_hash.clone()).await;
    if !throttle::refund_if_busy(db, &scopes, caller.now, checked).await? {
        tracing::info!(user_id = %session.user_id, "password re-check failed");
        return Err(AppError::WrongPassword);
    }
    throttle::succeeded(db, &scopes, caller.now).await?;
    Ok(account)
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
    let (db, now) = (&state.db, caller.now);
    if is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let account = check_password(db, session, password, caller).await?;

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
    authenticator_key(state, account.email, &secret, Some(pending.created_at + PENDING_SECRET_SECS))
}

/// Step 2 of setup: a code from the app turns 2FA on. The session's pending secret, exactly the
/// one the code was checked against, becomes the credential, the code's time step is recorded
/// as used (it cannot log in afterwards), ten backup codes are made, the event is recorded and
/// every other session ends, all in one transaction: a crash leaves the account either without
/// 2FA or with all of it.
pub async fn confirm_setup(
    state: &AppState,
    session: &Session,
    code: &str,
    caller: &Caller,
) -> Result<BackupCodes, AppError> {
    let code = normalize_code(code)?;
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), session.user_id);
    if is_enabled(db, user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let pending = store::totp::pending_of_session(db, &session.id, user_id, now - PENDING_SECRET_SECS)
        .await?
        .ok_or(AppError::NoPendingSetup)?;
    let secret = sealing::open(&state.settings.data_key, &pending.secret, &secret_context(user_id))?;
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let Verdict::Accepted { step } = TotpCredential::fresh(secret).verify(&code, now)? else {
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
        Err(AppError::LoginRequired) if is_enabled(db, user_id).await? => {
            return Err(AppError::TwoFactorAlreadyOn)
        }
        ended => ended?,
    };
    if !store::totp::insert_credential(&mut *tx, user_id, &pending.secret, now, step).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
    fresh.store(&mut tx, session, now).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorEnabled, ip, now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::TwoFactorEnabled, caller).await?;
    tx.commit().await?;
    telemetry::setup_completed();
    tracing::info!(user_id = %user_id, other_sessions_ended, "2FA turned on");
    Ok(fresh.shown(state, now))
}

/// Ten new backup codes, hashed for the table and sealed for the download, made before any
/// transaction starts (hashing takes a while).
struct FreshBackupCodes {
    codes: Vec<String>,
    hashes: Vec<String>,
    sealed_for_download: Vec<u8>,
}

impl FreshBackupCodes {
    async fn make(state: &AppState, session: &Session) -> Result<Self, AppError> {
        let codes = backup_codes::generate();
        let hashes = backup_codes::hash_all(&codes).await?;
        let plain = serde_json::to_vec(&codes).map_err(|e| AppError::internal("sealing backup codes", e))?;
        let sealed_for_download =
            sealing::seal(&state.settings.data_key, &plain, &downloads_context(&session.id))?;
        Ok(FreshBackupCodes { codes, hashes, sealed_for_download })
    }

    /// The codes as the response shows them, once.
    fn shown(self, state: &AppState, now: i64) -> BackupCodes {
        BackupCodes {
            codes: self.codes,
            created_at: now,
            file_name: backup_file_name(&state.settings.issuer, &crate::dates::format_date(now)),
        }
    }

    /// Replaces the account's backup codes (the old set stops working) and offers the new set
    /// for download to this session.
    async fn store(&self, tx: &mut AnyConnection, session: &Session, now: i64) -> Result<(), AppError> {
        store::backup_codes::delete_all(&mut *tx, session.user_id).await?;
        for hash in &self.hashes {
            store::backup_codes::insert(&mut *tx, session.user_id, hash).await?;
        }
        store::backup_codes::delete_download_of_session(&mut *tx, &session.id).await?;
        store::backup_codes::insert_download(
            &mut *tx,
            &session.id,
            session.user_id,
            &self.sealed_for_download,
            now,
        )
        .await
    }
}

/// "Regenerate backup codes": with the password and a current code (or a backup code), a new
/// set replaces the old one and every other session ends. The password alone is not enough: a
/// hijacked session that learnt it must not get ten permanent ways past the second factor.
pub async fn regenerate_backup_codes(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: Proof<'_>,
    caller: &Caller,
) -> Result<BackupCodes, AppError> {
    let (db, now) = (&state.db, caller.now);
    if !is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    check_password(db, session, password, caller).await?;
    // Made before the proof is used up: should the server be too busy to hash them, the owner's
    // code or backup code is still theirs.
    let fresh = FreshBackupCodes::make(state, session).await?;
    proofs::consume(state, session, proof, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    fresh.store(&mut tx, session, now).await?;
    let kind = SecurityEventKind::BackupCodesRegenerated;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, session.user_id, Notice::BackupCodesRegenerated, caller)
        .await?;
    tx.commit().await?;
    Ok(fresh.shown(state, now))
}

/// "Set up another smartphone": with the password and a current code, the active key is shown
/// again (the article's shared-account case).
pub async fn show_key_again(
    state: &AppState,
    session: &Session,
    password: &str,
    code: &str,
    caller: &Caller,
) -> Result<AuthenticatorKey, AppError> {
    let db = &state.db;
    let account = check_password(db, session, password, caller).await?;
    proofs::consume_app_code(state, session, code, caller).await?;
    let stored = store::totp::credential(db, session.user_id).await?.ok_or(AppError::TwoFactorOff)?;
    let secret = sealing::open(&state.settings.data_key, &stored.secret, &secret_context(session.user_id))?;
    let kind = SecurityEventKind::AnotherPhoneAdded;
    security_events::record(db, session.user_id, kind, caller.ip(), caller.now).await?;
    authenticator_key(state, account.email, &secret, None)
}

/// Turns 2FA off: with the password and a current code or a backup code, the secret and the
/// backup codes are deleted together, with the event, and every other session ends.
pub async fn disable(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: Proof<'_>,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if !is_enabled(db, user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    check_password(db, session, password, caller).await?;
    proofs::consume(state, session, proof, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    store::totp::delete_credential(&mut *tx, user_id).await?;
    store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
    store::backup_codes::delete_all(&mut *tx, user_id).await?;
    store::backup_codes::delete_downloads_of_account(&mut *tx, user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorDisabled, caller.ip(), now)
        .await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::TwoFactorDisabled, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "2FA turned off");
    Ok(())
}

/// The backup-code file: for the session that made the codes, shortly after.
pub struct BackupCodeFile {
    pub file_name: String,
    pub text: String,
}

/// The file is in `locale`, the language of the request that downloads it.
pub async fn backup_code_file(
    state: &AppState,
    session: &Session,
    now: i64,
    locale: crate::i18n::Locale,
) -> Result<BackupCodeFile, AppError> {
    let download = store::backup_codes::download_of_session(&state.db, &session.id, session.user_id).await?;
    let Some(download) = download.filter(|d| now - d.created_at < DOWNLOAD_WINDOW_SECS) else {
        return Err(AppError::BackupCodesUnavailable);
    };
    let plain = sealing::open(&state.settings.data_key, &download.codes, &downloads_context(&session.id))?;
    let codes: Vec<String> = serde_json::from_slice(&plain)
        .map_err(|e| AppError::internal("reading backup codes for download", e))?;
    let date = crate::dates::format_date(download.created_at);
    let issuer = &state.settings.issuer;
    Ok(BackupCodeFile {
        file_name: backup_file_name(issuer, &date),
        text: backup_codes::file_text(issuer, &session.email, &date, &codes, locale),
    })
}
