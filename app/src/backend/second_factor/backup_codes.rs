//! Backup codes: ten single-use codes made with the first method and anew on request, kept as
//! argon2id hashes; the session that made them may download them shortly after.

use sqlx::AnyConnection;

use super::proof::{BackupCode, Holder};
use crate::backend::caller::Caller;
use crate::backend::crypto::{backup_codes, sealing};
use crate::backend::ids::{SessionId, UserId};
use crate::backend::mail::{notices, Notice};
use crate::backend::sessions::Session;
use crate::backend::store::{self, security_events};
use crate::backend::{telemetry, throttle, AppState};
use crate::error::AppError;
use crate::security_events::SecurityEventKind;
use crate::two_factor::{backup_file_name, BackupCodes};

/// How long after making them the session that made the backup codes may download them.
pub const DOWNLOAD_WINDOW_SECS: i64 = 10 * 60;

/// The associated data the download copy of a session's backup codes is sealed with.
pub fn downloads_context(session_id: &SessionId) -> String {
    format!("backup-codes:{session_id}")
}

/// Ten new backup codes, hashed for the table and sealed for the download, made before any
/// transaction starts (hashing takes a while).
pub(super) struct FreshBackupCodes {
    codes: Vec<String>,
    hashes: Vec<String>,
    sealed_for_download: Vec<u8>,
}

impl FreshBackupCodes {
    pub(super) async fn make(state: &AppState, session: &Session) -> Result<Self, AppError> {
        let codes = backup_codes::generate();
        let hashes = backup_codes::hash_all(&codes).await?;
        let plain = serde_json::to_vec(&codes).map_err(|e| AppError::internal("sealing backup codes", e))?;
        let sealed_for_download =
            sealing::seal(&state.settings.data_key, &plain, &downloads_context(&session.id))?;
        Ok(FreshBackupCodes { codes, hashes, sealed_for_download })
    }

    /// The codes as the response shows them, once, in the caller's language.
    pub(super) fn shown(self, state: &AppState, session: &Session, caller: &Caller) -> BackupCodes {
        let (issuer, date) = (&state.settings.issuer, crate::dates::format_date(caller.now));
        let heading = backup_codes::file_text(issuer, &session.email, &date, &[], caller.language);
        BackupCodes {
            codes: self.codes,
            created_at: caller.now,
            file_name: backup_file_name(issuer, &date),
            heading: heading.trim_end().to_owned(),
        }
    }

    /// Replaces the account's backup codes (the old set stops working) and offers the new set
    /// for download to this session.
    pub(super) async fn store(
        &self,
        tx: &mut AnyConnection,
        session: &Session,
        now: i64,
    ) -> Result<(), AppError> {
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

/// Marks an unused backup code as used and returns how many are left.
pub(super) async fn consume_backup_code(
    state: &AppState,
    holder: Holder,
    code: &BackupCode,
    caller: &Caller,
) -> Result<u32, AppError> {
    let outcome = check_backup_code(state, holder, code, caller).await;
    telemetry::second_factor("backup_code", &outcome);
    if outcome.is_ok() {
        telemetry::backup_code_used();
    }
    outcome
}

async fn check_backup_code(
    state: &AppState,
    holder: Holder,
    code: &BackupCode,
    caller: &Caller,
) -> Result<u32, AppError> {
    let (db, now, ip, user_id) = (&state.db, caller.now, caller.ip(), holder.user_id);
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let unused = store::backup_codes::unused(db, user_id).await?;
    let hashes: Vec<String> = unused.iter().map(|code| code.code_hash.clone()).collect();
    let matched =
        throttle::refund_if_busy(db, &scopes, now, backup_codes::find_match(code.as_str(), &hashes).await)
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

/// Deletes the account's backup codes and their download, in the transaction of turning 2FA off.
pub(super) async fn remove_all(tx: &mut AnyConnection, user_id: UserId) -> Result<(), AppError> {
    store::backup_codes::delete_all(&mut *tx, user_id).await?;
    store::backup_codes::delete_downloads_of_account(&mut *tx, user_id).await
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
