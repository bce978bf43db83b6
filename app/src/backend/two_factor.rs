//! 2FA with an authenticator app on an account: turning it on (a pending secret of the session
//! that began the setup, confirmed by a first code, becomes the credential together with its
//! backup codes, in one transaction), new backup codes, the key again for another smartphone,
//! and turning it off. Each change to the factors is recorded in its own transaction and starts
//! a new authentication epoch: every other session of the account ends.

use sqlx::{AnyConnection, AnyPool};

use super::accounts::Account;
use super::caller::Caller;
use super::db_error;
use super::second_factor::{self, secret_context, Proof};
use super::sessions::{self, Session};
use super::{accounts, audit, backup_codes, passwords, qr, sealing, throttle, totp, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{
    backup_file_name, group_key, normalize_code, BackupCodes, PendingSetup, TwoFactorStatus,
    PENDING_SECRET_SECS,
};

/// How long after making them the session that made the backup codes may download them.
pub const DOWNLOAD_WINDOW_SECS: i64 = 10 * 60;

pub fn downloads_context(session_id: &str) -> String {
    format!("backup-codes:{session_id}")
}

pub async fn is_enabled(db: &AnyPool, user_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT user_id FROM totp_credentials WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
        .map_err(db_error("checking 2FA"))?;
    Ok(found.is_some())
}

pub async fn status(db: &AnyPool, user_id: i64) -> Result<TwoFactorStatus, AppError> {
    let enabled_since: Option<i64> =
        sqlx::query_scalar("SELECT enabled_at FROM totp_credentials WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await
            .map_err(db_error("loading 2FA status"))?;
    Ok(TwoFactorStatus {
        enabled: enabled_since.is_some(),
        enabled_since,
        backup_codes_left: backup_codes::unused_count(db, user_id).await?,
    })
}

/// Re-checks the password of the session's account before a change to how it logs in.
/// It counts against the same limit as password logins.
async fn check_password(
    db: &AnyPool,
    session: &Session,
    password: &str,
    caller: &Caller,
) -> Result<Account, AppError> {
    let account = accounts::find_by_id(db, session.user_id).await?;
    let scopes = throttle::password_scopes(&account.email, Some((account.id, session.epoch)), caller);
    throttle::begin_attempt(db, &scopes, caller.now).await?;
    let checked = passwords::verify(password.to_owned(), account.password_hash.clone()).await;
    if !throttle::refund_if_busy(db, &scopes, caller.now, checked).await? {
        tracing::info!(user_id = session.user_id, "password re-check failed");
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
) -> Result<PendingSetup, AppError> {
    let key = totp::base32(secret);
    let uri = totp::otpauth_uri(&state.settings.issuer, &email, &key);
    Ok(PendingSetup {
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
) -> Result<PendingSetup, AppError> {
    let (db, now) = (&state.db, caller.now);
    if is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let account = check_password(db, session, password, caller).await?;

    let fail = db_error("storing a pending secret");
    let mut tx = db.begin().await.map_err(&fail)?;
    sqlx::query("DELETE FROM totp_pending WHERE session_id = $1 AND created_at <= $2")
        .bind(&session.id)
        .bind(now - PENDING_SECRET_SECS)
        .execute(&mut *tx)
        .await
        .map_err(&fail)?;
    let fresh =
        sealing::seal(&state.settings.data_key, &totp::new_secret(), &secret_context(session.user_id))?;
    // Two tabs of one session beginning at once both end up with the one row that won.
    let made = sqlx::query(
        "INSERT INTO totp_pending (session_id, user_id, secret, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id) DO NOTHING",
    )
    .bind(&session.id)
    .bind(session.user_id)
    .bind(fresh)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(&fail)?
    .rows_affected()
        == 1;
    if made {
        audit::record(&mut *tx, session.user_id, SecurityEventKind::TwoFactorSetupStarted, caller.ip(), now)
            .await?;
    }
    tx.commit().await.map_err(&fail)?;
    let (sealed, created_at) = pending_secret(db, session, now)
        .await?
        .ok_or_else(|| AppError::internal("begin setup", "pending secret vanished"))?;
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(session.user_id))?;
    authenticator_key(state, account.email, &secret, Some(created_at + PENDING_SECRET_SECS))
}

async fn pending_secret(
    db: &AnyPool,
    session: &Session,
    now: i64,
) -> Result<Option<(Vec<u8>, i64)>, AppError> {
    sqlx::query_as("SELECT secret, created_at FROM totp_pending WHERE session_id = $1 AND user_id = $2 AND created_at > $3")
        .bind(&session.id)
        .bind(session.user_id)
        .bind(now - PENDING_SECRET_SECS)
        .fetch_optional(db)
        .await
        .map_err(db_error("loading a pending secret"))
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
    let (db, now, ip) = (&state.db, caller.now, caller.ip());
    if is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let (sealed, _) = pending_secret(db, session, now).await?.ok_or(AppError::NoPendingSetup)?;
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(session.user_id))?;
    let scopes = throttle::second_factor_scopes(session.user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let Some(step) = totp::matching_step(&secret, &code, now)? else {
        audit::record(db, session.user_id, SecurityEventKind::WrongCode, ip, now).await?;
        return Err(AppError::WrongCode);
    };
    throttle::succeeded(db, &scopes, now).await?;

    let fresh = FreshBackupCodes::make(state, session).await?;
    let fail = db_error("enabling 2FA");
    let mut tx = db.begin().await.map_err(&fail)?;
    // Whoever logged in elsewhere with the password alone (perhaps the reason for turning 2FA
    // on), or is logging in right now, is shut out: from now on every session has passed the
    // second factor. First, so that a session that has ended meanwhile changes nothing.
    let other_sessions_ended = match sessions::new_epoch(&mut tx, session).await {
        // A parallel confirmation of this same session won.
        Err(AppError::LoginRequired) if is_enabled(db, session.user_id).await? => {
            return Err(AppError::TwoFactorAlreadyOn)
        }
        ended => ended?,
    };
    let inserted = sqlx::query(
        "INSERT INTO totp_credentials (user_id, secret, enabled_at, last_step) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(session.user_id)
    .bind(&sealed)
    .bind(now)
    .bind(step)
    .execute(&mut *tx)
    .await
    .map_err(&fail)?;
    if inserted.rows_affected() != 1 {
        // A parallel confirmation won.
        return Err(AppError::TwoFactorAlreadyOn);
    }
    sqlx::query("DELETE FROM totp_pending WHERE user_id = $1")
        .bind(session.user_id)
        .execute(&mut *tx)
        .await
        .map_err(&fail)?;
    fresh.store(&mut tx, session, now).await?;
    audit::record(&mut *tx, session.user_id, SecurityEventKind::TwoFactorEnabled, ip, now).await?;
    tx.commit().await.map_err(&fail)?;
    tracing::info!(user_id = session.user_id, other_sessions_ended, "2FA turned on");
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
        let fail = db_error("storing backup codes");
        sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
            .bind(session.user_id)
            .execute(&mut *tx)
            .await
            .map_err(&fail)?;
        for hash in &self.hashes {
            sqlx::query("INSERT INTO backup_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(session.user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await
                .map_err(&fail)?;
        }
        sqlx::query("DELETE FROM backup_code_downloads WHERE session_id = $1")
            .bind(&session.id)
            .execute(&mut *tx)
            .await
            .map_err(&fail)?;
        sqlx::query("INSERT INTO backup_code_downloads (session_id, user_id, codes, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&session.id)
            .bind(session.user_id)
            .bind(&self.sealed_for_download)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(&fail)?;
        Ok(())
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
    second_factor::consume(state, session, proof, caller).await?;
    let fail = db_error("regenerating backup codes");
    let mut tx = db.begin().await.map_err(&fail)?;
    sessions::new_epoch(&mut tx, session).await?;
    fresh.store(&mut tx, session, now).await?;
    audit::record(&mut *tx, session.user_id, SecurityEventKind::BackupCodesRegenerated, caller.ip(), now)
        .await?;
    tx.commit().await.map_err(&fail)?;
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
) -> Result<PendingSetup, AppError> {
    let db = &state.db;
    let account = check_password(db, session, password, caller).await?;
    second_factor::consume_app_code(state, session, code, caller).await?;
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret FROM totp_credentials WHERE user_id = $1")
        .bind(session.user_id)
        .fetch_optional(db)
        .await
        .map_err(db_error("loading the authenticator"))?
        .ok_or(AppError::TwoFactorOff)?;
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(session.user_id))?;
    audit::record(db, session.user_id, SecurityEventKind::AnotherPhoneAdded, caller.ip(), caller.now).await?;
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
    let (db, now) = (&state.db, caller.now);
    if !is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    check_password(db, session, password, caller).await?;
    second_factor::consume(state, session, proof, caller).await?;
    let fail = db_error("turning 2FA off");
    let mut tx = db.begin().await.map_err(&fail)?;
    sessions::new_epoch(&mut tx, session).await?;
    for statement in [
        "DELETE FROM totp_credentials WHERE user_id = $1",
        "DELETE FROM totp_pending WHERE user_id = $1",
        "DELETE FROM backup_codes WHERE user_id = $1",
        "DELETE FROM backup_code_downloads WHERE user_id = $1",
    ] {
        sqlx::query(statement).bind(session.user_id).execute(&mut *tx).await.map_err(&fail)?;
    }
    audit::record(&mut *tx, session.user_id, SecurityEventKind::TwoFactorDisabled, caller.ip(), now).await?;
    tx.commit().await.map_err(&fail)?;
    tracing::info!(user_id = session.user_id, "2FA turned off");
    Ok(())
}

/// The backup-code file: for the session that made the codes, shortly after.
pub struct BackupCodeFile {
    pub file_name: String,
    pub text: String,
}

pub async fn backup_code_file(
    state: &AppState,
    session: &Session,
    now: i64,
) -> Result<BackupCodeFile, AppError> {
    let row: Option<(Vec<u8>, i64)> = sqlx::query_as(
        "SELECT codes, created_at FROM backup_code_downloads WHERE session_id = $1 AND user_id = $2",
    )
    .bind(&session.id)
    .bind(session.user_id)
    .fetch_optional(&state.db)
    .await
    .map_err(db_error("loading backup codes for download"))?;
    let Some((sealed, created_at)) = row.filter(|(_, created)| now - created < DOWNLOAD_WINDOW_SECS) else {
        return Err(AppError::BackupCodesUnavailable);
    };
    let plain = sealing::open(&state.settings.data_key, &sealed, &downloads_context(&session.id))?;
    let codes: Vec<String> = serde_json::from_slice(&plain)
        .map_err(|e| AppError::internal("reading backup codes for download", e))?;
    let date = crate::dates::format_date(created_at);
    let issuer = &state.settings.issuer;
    Ok(BackupCodeFile {
        file_name: backup_file_name(issuer, &date),
        text: backup_codes::file_text(issuer, &session.email, &date, &codes),
    })
}
