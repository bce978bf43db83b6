//! `server rotate-key`: a new data key, and every secret re-encrypted under it.
//!
//! The new key is written to `KEYFILE.next` first, then every sealed value is re-encrypted in one
//! transaction, then the new key replaces the old file. A crash anywhere leaves either the old
//! state, or a `.next` file that keeps servers from starting until the command runs again and
//! finishes (values already re-encrypted are skipped). Stop every instance before rotating, and
//! give them all the new key file before starting them again.

use std::fs;
use std::io;

use app::backend::crypto::sealing::DataKey;
use app::backend::upkeep::key_rotation;

use crate::config::Config;
use crate::storage::{self, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("re-encrypting the secrets failed; nothing changed, run the command again")]
    Reseal,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Rotates the key and returns the new key's id and how many values were re-encrypted.
pub async fn rotate_key(config: &Config) -> Result<(u8, u64), RotationError> {
    let current = storage::read_key(&config.key_file)?;
    let next_path = storage::next_key_path(&config.key_file);
    let next = match storage::read_key(&next_path) {
        Ok(next) => next,
        Err(_) if !next_path.exists() => {
            let next = DataKey::generate(current.next_id());
            storage::write_new_key(&next_path, &next)?;
            next
        }
        Err(e) => return Err(e.into()),
    };
    let db = storage::connect(&config.database_url, 1).await?;
    let changed = key_rotation::reseal_all(&db, &current, &next).await.map_err(|_| RotationError::Reseal)?;
    db.close().await;
    fs::rename(&next_path, &config.key_file)?;
    Ok((next.id, changed))
}
