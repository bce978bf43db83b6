//! Re-encrypting every sealed value under a new data key (`server rotate-key`).

use sqlx::AnyPool;

use crate::backend::crypto::sealing::{self, DataKey};
use crate::backend::mail::outbox::mail_context;
use crate::backend::second_factor::authenticator::secret_context;
use crate::backend::second_factor::backup_codes::downloads_context;
use crate::backend::second_factor::sms::number_context;
use crate::backend::store;
use crate::error::AppError;

/// Re-seals every value sealed under `old` with `new`, in one transaction, and returns how
/// many changed. Values already under `new` are left alone, so an interrupted rotation can
/// simply run again.
pub async fn reseal_all(db: &AnyPool, old: &DataKey, new: &DataKey) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    let mut changed = 0;
    for credential in store::totp::all_credentials(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &credential.secret, &secret_context(credential.user_id))? {
            store::totp::set_credential_secret(&mut *tx, credential.user_id, &resealed).await?;
            changed += 1;
        }
    }
    for pending in store::totp::all_pending(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &pending.secret, &secret_context(pending.user_id))? {
            store::totp::set_pending_secret(&mut *tx, &pending.session_id, &resealed).await?;
            changed += 1;
        }
    }
    for row in store::sms::all_numbers(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &row.number, &number_context(row.user_id))? {
            store::sms::set_number(&mut *tx, row.user_id, &resealed).await?;
            changed += 1;
        }
    }
    for row in store::sms::all_pending_numbers(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &row.number, &number_context(row.user_id))? {
            store::sms::reseal_pending_number(&mut *tx, &row.session_id, &resealed).await?;
            changed += 1;
        }
    }
    for download in store::backup_codes::all_downloads(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &download.codes, &downloads_context(&download.session_id))?
        {
            store::backup_codes::set_download(&mut *tx, &download.session_id, &resealed).await?;
            changed += 1;
        }
    }
    for queued in store::outbox::all(&mut *tx).await? {
        if let Some(resealed) = resealed(old, new, &queued.sealed, &mail_context(&queued.recipient))? {
            store::outbox::set_sealed(&mut *tx, queued.id, &resealed).await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// `sealed` (under `context`) sealed under `new`, or `None` when it already is.
fn resealed(old: &DataKey, new: &DataKey, sealed: &[u8], context: &str) -> Result<Option<Vec<u8>>, AppError> {
    if sealing::key_id_of(sealed) == Some(new.id) {
        return Ok(None);
    }
    sealing::seal(new, &sealing::open(old, sealed, context)?, context).map(Some)
}
