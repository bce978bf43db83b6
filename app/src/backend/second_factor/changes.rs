//! Changes to the second factor that need the password and a current proof: new backup codes,
//! the key again for another smartphone, and turning 2FA off. Each is recorded in its own
//! transaction and starts a new authentication epoch: every other session of the account ends.

use super::backup_codes::FreshBackupCodes;
use super::{authenticator, consume, is_on, Entered};
use crate::backend::caller::Caller;
use crate::backend::mail::{notices, Notice};
use crate::backend::password_check::check_password;
use crate::backend::sessions::{self, Session};
use crate::backend::store::security_events;
use crate::backend::AppState;
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{AuthenticatorKey, BackupCodes};

/// "Regenerate backup codes": with the password and a current code (or a backup code), a new
/// set replaces the old one and every other session ends. The password alone is not enough: a
/// hijacked session that learnt it must not get ten permanent ways past the second factor.
pub async fn regenerate_backup_codes(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: Entered<'_>,
    caller: &Caller,
) -> Result<BackupCodes, AppError> {
    let (db, now) = (&state.db, caller.now);
    if !is_on(db, session.user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    check_password(db, session, password, caller).await?;
    // Made before the proof is used up: should the server be too busy to hash them, the owner's
    // code or backup code is still theirs.
    let fresh = FreshBackupCodes::make(state, session).await?;
    consume(state, session, proof, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    fresh.store(&mut tx, session, now).await?;
    let kind = SecurityEventKind::BackupCodesRegenerated;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, session.user_id, Notice::BackupCodesRegenerated, caller)
        .await?;
    tx.commit().await?;
    Ok(fresh.shown(state, session, caller))
}

/// "Set up another smartphone": with the password and a current code from the app or a backup
/// code (the phone may be the one that was lost), the active key is shown again (the article's
/// shared-account case). Mailed, and every other session ends.
pub async fn show_key_again(
    state: &AppState,
    session: &Session,
    password: &str,
    code: &str,
    caller: &Caller,
) -> Result<AuthenticatorKey, AppError> {
    let db = &state.db;
    // Without the app there is no key to show: refused before a proof is used up for nothing.
    if !authenticator::is_on(db, session.user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    let account = check_password(db, session, password, caller).await?;
    consume(state, session, Entered::guess(code)?, caller).await?;
    let key = authenticator::active_key(state, session.user_id, account.email).await?;
    // As every other way to the second factor: recorded, mailed, and every other session ends.
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    let kind = SecurityEventKind::AnotherPhoneAdded;
    security_events::record(&mut *tx, session.user_id, kind, caller.ip(), caller.now).await?;
    notices::notify(&mut tx, &state.settings, session.user_id, Notice::AnotherPhoneAdded, caller).await?;
    tx.commit().await?;
    Ok(key)
}

/// Turns 2FA off: with the password and a current code or a backup code, the secret and the
/// backup codes are deleted together, with the event, and every other session ends.
pub async fn disable(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: Entered<'_>,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    if !is_on(db, user_id).await? {
        return Err(AppError::TwoFactorOff);
    }
    // `--require-two-factor`: checked before the proof is used up.
    if state.settings.two_factor_policy.is_some() {
        return Err(AppError::TwoFactorRequiredByPolicy);
    }
    check_password(db, session, password, caller).await?;
    consume(state, session, proof, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    super::remove_all(&mut tx, user_id).await?;
    security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorDisabled, caller.ip(), now)
        .await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::TwoFactorDisabled, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "2FA turned off");
    Ok(())
}
