//! Re-encrypting every sealed value under a new data key (`server rotate-key`).

use sqlx::AnyPool;

use super::sealing::{self, DataKey};
use super::second_factor::secret_context;
use super::two_factor::downloads_context;
use super::db_error;
use crate::error::AppError;

const CONTEXT: &str = "rotating the data key";

/// Re-seals every value sealed under `old` with `new`, in one transaction, and returns how
/// many changed. Values already under `new` are left alone, so an interrupted rotation can
/// simply run again.
pub async fn reseal_all(db: &AnyPool, old: &DataKey, new: &DataKey) -> Result<u64, AppError> {
    let mut tx = db.begin().await.map_err(db_error(CONTEXT))?;
    let mut changed = 0;
    // Each table with sealed secrets, and the column that picks one row.
    for (table, row_key) in [("totp_pending", "session_id"), ("totp_credentials", "user_id")] {
        let rows: Vec<(String, i64, Vec<u8>)> =
            sqlx::query_as(&format!("SELECT CAST({row_key} AS TEXT), user_id, secret FROM {table}"))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error(CONTEXT))?;
        for (row, user_id, sealed) in rows {
            if sealing::key_id_of(&sealed) == Some(new.id) {
                continue;
            }
            let context = secret_context(user_id);
            let resealed = sealing::seal(new, &sealing::open(old, &sealed, &context)?, &context)?;
            sqlx::query(&format!("UPDATE {table} SET secret = $1 WHERE CAST({row_key} AS TEXT) = $2"))
                .bind(resealed)
                .bind(&row)
                .execute(&mut *tx)
                .await
                .map_err(db_error(CONTEXT))?;
            changed += 1;
        }
    }
    let downloads: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT session_id, codes FROM backup_code_downloads")
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
