//! Checking the second factor: a code from the authenticator app, whose time step is accepted
//! once per account (RFC 6238 §5.2), or a backup code, accepted once. Used at login and to
//! confirm changes to 2FA itself.

use super::caller::Caller;
use super::db_error;
use super::sessions::Session;
use super::{audit, backup_codes, sealing, throttle, totp, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::normalize_code;

pub fn secret_context(user_id: i64) -> String {
    format!("totp-secret:{user_id}")
}

/// What the user typed as their second factor.
pub enum Proof<'a> {
    AppCode(&'a str),
    BackupCode(&'a str),
}

impl<'a> Proof<'a> {
    /// A 6-digit code is an app code; anything else is taken for a backup code. Nothing at all
    /// is a missing code.
    pub fn guess(typed: &'a str) -> Result<Self, AppError> {
        match normalize_code(typed) {
            Ok(_) => Ok(Proof::AppCode(typed)),
            Err(AppError::CodeMissing) => Err(AppError::CodeMissing),
            Err(_) => Ok(Proof::BackupCode(typed)),
        }
    }
}

/// Accepts the proof for the session's account; for a backup code, returns how many are left.
pub async fn consume(
    state: &AppState,
    session: &Session,
    proof: Proof<'_>,
    caller: &Caller,
) -> Result<Option<u32>, AppError> {
    match proof {
        Proof::AppCode(code) => consume_app_code(state, session, code, caller).await.map(|_| None),
        Proof::BackupCode(code) => consume_backup_code(state, session, code, caller).await.map(Some),
    }
}

/// Accepts `code` when it is valid at `now` and of a later time step than every code this
/// account had accepted before.
pub async fn consume_app_code(
    state: &AppState,
    session: &Session,
    code: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let code = normalize_code(code)?;
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), session.user_id);
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let row: Option<(Vec<u8>, i64)> =
        sqlx::query_as("SELECT secret, last_step FROM totp_credentials WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(db)
            .await
            .map_err(db_error("loading the authenticator"))?;
    let Some((sealed, _)) = row else {
        return Err(AppError::TwoFactorOff);
    };
    let secret = sealing::open(&state.settings.data_key, &sealed, &secret_context(user_id))?;
    let Some(step) = totp::matching_step(&secret, &code, now)? else {
        audit::record(db, user_id, SecurityEventKind::WrongCode, ip, now).await?;
        return Err(AppError::WrongCode);
    };
    // The check and the update are one statement: of two parallel submissions of one code,
    // exactly one moves `last_step`.
    let accepted =
        sqlx::query("UPDATE totp_credentials SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(db)
            .await
            .map_err(db_error("recording a used code"))?;
    if accepted.rows_affected() != 1 {
        tracing::info!(user_id, "a code of an already used time step was refused");
        audit::record(db, user_id, SecurityEventKind::CodeReused, ip, now).await?;
        return Err(AppError::WrongCode);
    }
    throttle::succeeded(db, &scopes, now).await
}

/// Marks an unused backup code as used and returns how many are left.
pub async fn consume_backup_code(
    state: &AppState,
    session: &Session,
    typed: &str,
    caller: &Caller,
) -> Result<u32, AppError> {
    let canonical = backup_codes::normalize(typed).ok_or(AppError::BackupCodeMalformed)?;
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), session.user_id);
    let scopes = throttle::second_factor_scopes(user_id, session.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let unused: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code_hash FROM backup_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_all(db)
            .await
            .map_err(db_error("loading backup codes"))?;
    let hashes: Vec<String> = unused.iter().map(|(_, hash)| hash.clone()).collect();
    let matched =
        throttle::refund_if_busy(db, &scopes, now, backup_codes::find_match(&canonical, &hashes).await)
            .await?;
    let Some(index) = matched else {
        audit::record(db, user_id, SecurityEventKind::WrongBackupCode, ip, now).await?;
        return Err(AppError::WrongBackupCode);
    };
    // The code is used and its event recorded together.
    let mut tx = db.begin().await.map_err(db_error("using a backup code"))?;
    let used = sqlx::query("UPDATE backup_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(unused[index].0)
        .execute(&mut *tx)
        .await
        .map_err(db_error("using a backup code"))?
        .rows_affected()
        == 1;
    if !used {
        drop(tx);
        audit::record(db, user_id, SecurityEventKind::WrongBackupCode, ip, now).await?;
        return Err(AppError::WrongBackupCode);
    }
    audit::record(&mut *tx, user_id, SecurityEventKind::BackupCodeUsed, ip, now).await?;
    tx.commit().await.map_err(db_error("using a backup code"))?;
    throttle::succeeded(db, &scopes, now).await?;
    super::backup_codes::unused_count(db, user_id).await
}
