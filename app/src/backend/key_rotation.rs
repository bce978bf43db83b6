//! Re-encrypting every sealed value under a new data key (`server rotate-key`).

use sqlx::AnyPool;

use super::db_error;
use super::sealing::{self, DataKey};
use super::second_factor::secret_context;
use super::two_factor::downloads_context;
use crate::error::AppError;

const CONTEXT: &str = "rotating the data key";

/// Re-seals every value sealed under `old` with `new`, in one transaction, and returns how
/// many changed. Values already under `new` are left alone, so an interrupted rotation can
/// simply run again.
pub async fn reseal_all(db: &AnyPool, old: &DataKey, new: &DataKey) -> Result<u64, AppError> {
    let mut tx = db.begin().await.map_err(db_error(CONTEXT))?;
    let mut changed = 0;
    let credentials: Vec<(i64, Vec<u8>)> = sqlx::query_as("SELECT user_id, secret FROM totp_credentials")
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error(CONTEXT))?;
    for (user_id, sealed) in credentials {
        let Some(resealed) = resealed_secret(old, new, user_id, &sealed)? else { continue };
        sqlx::query("UPDATE totp_credentials SET secret = $1 WHERE user_id = $2")
            .bind(resealed)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error(CONTEXT))?;
        changed += 1;
    }
    let pending: Vec<(String, i64, Vec<u8>)> =
        sqlx::query_as("SELECT session_id, user_id, secret FROM totp_pending")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error(CONTEXT))?;
    for (session_id, user_id, sealed) in pending {
        let Some(resealed) = resealed_secret(old, new, user_id, &sealed)? else { continue };
        sqlx::query("UPDATE totp_pending SET secret = $1 WHERE session_id = $2")
            .bind(resealed)
            .bind(&session_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error(CONTEXT))?;
        changed += 1;
    }
    let downloads: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT session_id, codes FROM backup_code_downloads")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error(CONTEXT))?;
    for (session_id, sealed) in downloads {
        if sealing::key_id_of(&sealed) == Some(new.id) {
            continue;
        }
        let context = downloads_context(&session_id);
        let resealed = sealing::seal(new, &sealing::open(old, &sealed, &context)?, &context)?;
        sqlx::query("UPDATE backup_code_downloads SET codes = $1 WHERE session_id = $2")
            .bind(resealed)
            .bind(&session_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error(CONTEXT))?;
        changed += 1;
    }
    tx.commit().await.map_err(db_error(CONTEXT))?;
    Ok(changed)
}

/// `sealed` (a TOTP secret of `user_id`) sealed under `new`, or `None` when it already is.
fn resealed_secret(
    old: &DataKey,
    new: &DataKey,
    user_id: i64,
    sealed: &[u8],
) -> Result<Option<Vec<u8>>, AppError> {
    if sealing::key_id_of(sealed) == Some(new.id) {
        return Ok(None);
    }
    let context = secret_context(user_id);
    sealing::seal(new, &sealing::open(old, sealed, &context)?, &context).map(Some)
}
