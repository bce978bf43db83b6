//! Checking the second factor: a code from the authenticator app, whose time step is accepted
//! once per account (RFC 6238 §5.2), or a backup code, accepted once. Used at login and to
//! confirm changes to 2FA itself; each attempt counts against the guessing limits.

use super::caller::Caller;
use super::crypto::totp::{TotpCredential, Verdict};
use super::crypto::{backup_codes, sealing};
use super::ids::UserId;
use super::notices::{self, Notice};
use super::sessions::Session;
use super::store::{self, security_events};
use super::{telemetry, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::normalize_code;

/// The associated data a TOTP secret of `user_id` is sealed with: a secret copied onto another
/// account's row does not open.
pub fn secret_context(user_id: UserId) -> String {
    format!("totp-secret:{user_id}")
}

/// Whose second factor is checked: the account, and the authentication epoch its guessing
/// limits are counted under.
#[derive(Debug, Clone, Copy)]
pub struct Holder {
    pub user_id: UserId,
    pub epoch: i64,
}

impl From<&Session> for Holder {
    fn from(session: &Session) -> Self {
        Holder { user_id: session.user_id, epoch: session.epoch }
    }
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

/// Accepts the proof for the holder's account; for a backup code, returns how many are left.
pub async fn consume(
    state: &AppState,
    holder: impl Into<Holder>,
    proof: Proof<'_>,
    caller: &Caller,
) -> Result<Option<u32>, AppError> {
    let holder = holder.into();
    match proof {
        Proof::AppCode(code) => consume_app_code(state, holder, code, caller).await.map(|_| None),
        Proof::BackupCode(code) => consume_backup_code(state, holder, code, caller).await.map(Some),
    }
}

/// Accepts `code` when it is valid at `now` and of a later time step than every code this
/// account had accepted before.
pub async fn consume_app_code(
    state: &AppState,
    holder: impl Into<Holder>,
    code: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let outcome = check_app_code(state, holder.into(), code, caller).await;
    telemetry::second_factor("app_code", &outcome);
    outcome
}

async fn check_app_code(
    state: &AppState,
    holder: Holder,
    code: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let code = normalize_code(code)?;
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), holder.user_id);
    let settings = &state.settings;
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let stored = store::totp::credential(db, user_id).await?.ok_or(AppError::TwoFactorOff)?;
    let secret = sealing::open(&state.settings.data_key, &stored.secret, &secret_context(user_id))?;
    let credential = TotpCredential::new(secret, stored.last_step);
    let reused = match credential.verify(&code, now)? {
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

/// Marks an unused backup code as used and returns how many are left.
pub async fn consume_backup_code(
    state: &AppState,
    holder: impl Into<Holder>,
    typed: &str,
    caller: &Caller,
) -> Result<u32, AppError> {
    let outcome = check_backup_code(state, holder.into(), typed, caller).await;
    telemetry::second_factor("backup_code", &outcome);
    if outcome.is_ok() {
        telemetry::backup_code_used();
    }
    outcome
}

async fn check_backup_code(
    state: &AppState,
    holder: Holder,
    typed: &str,
    caller: &Caller,
) -> Result<u32, AppError> {
    let canonical = backup_codes::normalize(typed).ok_or(AppError::BackupCodeMalformed)?;
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), holder.user_id);
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let unused = store::backup_codes::unused(db, user_id).await?;
    let hashes: Vec<String> = unused.iter().map(|code| code.code_hash.clone()).collect();
    let matched =
        throttle::refund_if_busy(db, &scopes, now, backup_codes::find_match(&canonical, &hashes).await)
            .await?;
    let wrong = || async {
        let mut tx = db.begin().await?;
        let kind = SecurityEventKind::WrongBackupCode;
        notices::record_wrong_code(&mut tx, &state.settings, user_id, kind, caller).await?;
        tx.commit().await?;
        Err(AppError::WrongBackupCode)
    };
    let Some(index) = matched else {
        return wrong().await;
    };
    // The code is used, its event recorded and its mail queued together.
    let mut tx = db.begin().await?;
    if !store::backup_codes::mark_used(&mut *tx, unused[index].id, now).await? {
        drop(tx);
        return wrong().await;
    }
    let left = store::backup_codes::unused_count(&mut *tx, user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::BackupCodeUsed, ip, now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::BackupCodeUsed { left }, caller).await?;
    tx.commit().await?;
    throttle::succeeded(db, &scopes, now).await?;
    Ok(left)
}
