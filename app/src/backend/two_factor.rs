//! Turning 2FA on with an authenticator app: a pending secret, confirmed by a first code, becomes
//! the account's credential together with its backup codes, in one transaction.

use sqlx::AnyPool;

use super::sessions::Session;
use super::{accounts, backup_codes, passwords, qr, sealing, totp, AppState};
use crate::error::AppError;
use crate::two_factor::{
    backup_file_name, group_key, normalize_code, BackupCodes, PendingSetup, TwoFactorStatus, PENDING_SECRET_SECS,
};

/// How long after setup the session that made the backup codes may download them.
pub const DOWNLOAD_WINDOW_SECS: i64 = 10 * 60;

fn secret_context(user_id: i64) -> String {
    format!("totp-secret:{user_id}")
}

fn downloads_context(session_id: &str) -> String {
    format!("backup-codes:{session_id}")
}

fn db_error(context: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| AppError::internal(context, e)
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
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db)
        .await
        .map_err(db_error("counting backup codes"))?;
    Ok(TwoFactorStatus {
        enabled: enabled_since.is_some(),
        enabled_since,
        backup_codes_left: left as u32,
    })
}

/// Step 1 of setup: re-checks the password and returns the pending secret, the same one until it
/// is confirmed or expires, so a key already saved for other phones stays valid.
pub async fn begin_setup(state: &AppState, session: &Session, password: &str, now: i64) -> Result<PendingSetup, AppError> {
    let db = &state.db;
    if is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let account = accounts::find_by_id(db, session.user_id).await?;
    if !passwords::verify(password.to_owned(), account.password_hash).await? {
        tracing::info!(user_id = session.user_id, "2FA setup refused: wrong password");
        return Err(AppError::WrongPassword);
    }

    sqlx::query("DELETE FROM totp_pending WHERE user_id = $1 AND created_at <= $2")
        .bind(session.user_id)
        .bind(now - PENDING_SECRET_SECS)
        .execute(db)
        .await
        .map_err(db_error("dropping an expired pending secret"))?;
    let fresh = sealing::seal(&state.settings.data_key, &totp::new_secret(), &secret_context(session.user_id))?;
    // Two tabs beginning at once both end up with the one row that won.
    sqlx::query("INSERT INTO totp_pending (user_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING")
        .bind(session.user_id)
        .bind(fresh)
        .bind(now)
        .execute(db)
        .await
        .map_err(db_error("storing a pending secret"))?;
    let (sealed, created_at) = pending_secret(db, session.user_id, now)
        .await?
        .ok_or_else(|| AppError::internal("begin setup", "pending secret vanished"))?;
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(session.user_id))?;

    let key = totp::base32(&secret);
    let uri = totp::otpauth_uri(&state.settings.issuer, &account.email, &key);
    Ok(PendingSetup {
        qr_svg: qr::svg_of(&uri)?,
        uri,
        key: group_key(&key),
        account_name: account.email,
        issuer: state.settings.issuer.clone(),
        expires_at: created_at + PENDING_SECRET_SECS,
    })
}

async fn pending_secret(db: &AnyPool, user_id: i64, now: i64) -> Result<Option<(Vec<u8>, i64)>, AppError> {
    sqlx::query_as("SELECT secret, created_at FROM totp_pending WHERE user_id = $1 AND created_at > $2")
        .bind(user_id)
        .bind(now - PENDING_SECRET_SECS)
        .fetch_optional(db)
        .await
        .map_err(db_error("loading a pending secret"))
}

/// Step 2 of setup: a code from the app turns 2FA on. The pending secret becomes the credential,
/// the code's time step is recorded as used (it cannot log in afterwards), and ten backup codes
/// are made, all in one transaction: a crash leaves the account either without 2FA or with all
/// of it.
pub async fn confirm_setup(state: &AppState, session: &Session, code: &str, now: i64) -> Result<BackupCodes, AppError> {
    let code = normalize_code(code)?;
    let db = &state.db;
    if is_enabled(db, session.user_id).await? {
        return Err(AppError::TwoFactorAlreadyOn);
    }
    let (sealed, _) = pending_secret(db, session.user_id, now).await?.ok_or(AppError::NoPendingSetup)?;
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(session.user_id))?;
    let Some(step) = totp::matching_step(&secret, &code, now)? else {
        tracing::info!(user_id = session.user_id, "2FA setup: wrong code");
        return Err(AppError::WrongCode);
    };

    let codes = backup_codes::generate();
    let hashes = backup_codes::hash_all(&codes).await?;
    let download = serde_json::to_vec(&codes).map_err(|e| AppError::internal("sealing backup codes", e))?;
    let download = sealing::seal(&state.settings.data_key, &download, &downloads_context(&session.id))?;

    let mut tx = db.begin().await.map_err(db_error("starting 2FA setup"))?;
    let inserted = sqlx::query(
        "INSERT INTO totp_credentials (user_id, secret, enabled_at, last_step)
         SELECT user_id, secret, $2, $3 FROM totp_pending WHERE user_id = $1
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(session.user_id)
    .bind(now)
    .bind(step)
    .execute(&mut *tx)
    .await
    .map_err(db_error("enabling 2FA"))?;
    if inserted.rows_affected() != 1 {
        // A parallel confirmation won, or the pending secret was just replaced.
        return Err(AppError::TwoFactorAlreadyOn);
    }
    for statement in [
        "DELETE FROM totp_pending WHERE user_id = $1",
        "DELETE FROM backup_codes WHERE user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(session.user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error("enabling 2FA"))?;
    }
    for hash in &hashes {
        sqlx::query("INSERT INTO backup_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(session.user_id)
            .bind(hash)
            .execute(&mut *tx)
            .await
            .map_err(db_error("storing backup codes"))?;
    }
    sqlx::query("DELETE FROM backup_code_downloads WHERE session_id = $1")
        .bind(&session.id)
        .execute(&mut *tx)
        .await
        .map_err(db_error("storing backup codes"))?;
    sqlx::query("INSERT INTO backup_code_downloads (session_id, user_id, codes, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&session.id)
        .bind(session.user_id)
        .bind(download)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error("storing backup codes"))?;
    tx.commit().await.map_err(db_error("enabling 2FA"))?;
    tracing::info!(user_id = session.user_id, "2FA turned on");
    Ok(BackupCodes { codes, created_at: now })
}

/// The backup-code file: for the session that made the codes, shortly after.
pub struct BackupCodeFile {
    pub file_name: String,
    pub text: String,
}

pub async fn backup_code_file(state: &AppState, session: &Session, now: i64) -> Result<BackupCodeFile, AppError> {
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
    let codes: Vec<String> =
        serde_json::from_slice(&plain).map_err(|e| AppError::internal("reading backup codes for download", e))?;
    let date = crate::dates::format_date(created_at);
    let issuer = &state.settings.issuer;
    Ok(BackupCodeFile {
        file_name: backup_file_name(issuer, &date),
        text: backup_codes::file_text(issuer, &session.email, &date, &codes),
    })
}
