//! The database (SQLite or PostgreSQL, picked by the URL) and the key file.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::{rngs::OsRng, RngCore};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got a URL with scheme {0:?})")]
    UnsupportedUrl(String),
    #[error("cannot create the folder {0} for the SQLite database: {1}")]
    DatabaseFolder(PathBuf, io::Error),
    #[error("cannot open the database: {0}")]
    Connect(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare the SQLite database: {0}")]
    Pragma(sqlx::Error),
    #[error("key file {0}: {1}")]
    KeyFile(PathBuf, String),
}

pub fn engine_of(url: &str) -> Result<Engine, StorageError> {
    if url.starts_with("sqlite:") {
        Ok(Engine::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Engine::Postgres)
    } else {
        let scheme = url.split(':').next().unwrap_or_default().chars().take(20).collect();
        Err(StorageError::UnsupportedUrl(scheme))
    }
}

/// The file path inside a `sqlite:` URL, when it names a file.
fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// Opens the database and brings its schema up to date.
pub async fn connect(url: &str, max_connections: u32) -> Result<AnyPool, StorageError> {
    sqlx::any::install_default_drivers();
    let engine = engine_of(url)?;
    if let Some(dir) = sqlite_path(url).and_then(Path::parent).filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| StorageError::DatabaseFolder(dir.to_owned(), e))?;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(StorageError::Connect)?;
    match engine {
        Engine::Sqlite => {
            // WAL lets readers go on while one connection writes; the setting stays with the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .fetch_optional(&pool)
                .await
                .map_err(StorageError::Pragma)?;
            migrate_sqlite(&pool).await?;
        }
        Engine::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
    }
    Ok(pool)
}

/// sqlx locks PostgreSQL during migrations but not SQLite: when two instances start at once,
/// the one that loses the race fails on a table the other just made. It tries again, and then
/// finds the migrations applied.
async fn migrate_sqlite(pool: &AnyPool) -> Result<(), StorageError> {
    let mut attempt = 1;
    loop {
        match SQLITE_MIGRATIONS.run(pool).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 5 => {
                tracing::warn!(attempt, "migrating SQLite failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Reads the 256-bit data key, creating it with mode 0600 when the file does not exist.
pub fn load_or_create_key(path: &Path) -> Result<[u8; 32], StorageError> {
    let fail = |msg: String| StorageError::KeyFile(path.to_owned(), msg);
    match fs::read(path) {
        Ok(bytes) => {
            let mode = fs::metadata(path).map_err(|e| fail(e.to_string()))?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the key file is readable by other users: chmod 600 it");
            }
            bytes
                .try_into()
                .map_err(|b: Vec<u8>| fail(format!("holds {} bytes, expected 32", b.len())))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
            }
            let mut key = [0u8; 32];
            OsRng.fill_bytes(&mut key);
            // Written whole under a temporary name, then linked into place: an instance starting
            // at the same moment either wins the link or reads the complete key of the winner.
            let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
            let written = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temporary)
                .and_then(|mut file| file.write_all(&key).and_then(|_| file.sync_all()));
            let linked = written.and_then(|_| fs::hard_link(&temporary, path));
            let _ = fs::remove_file(&temporary);
            match linked {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "created a new data key");
                    Ok(key)
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => load_or_create_key(path),
                Err(e) => Err(fail(e.to_string())),
            }
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_picks_the_engine() {
        assert_eq!(engine_of("sqlite://data/x.db?mode=rwc").unwrap(), Engine::Sqlite);
        assert_eq!(engine_of("postgres://localhost/test").unwrap(), Engine::Postgres);
        assert!(engine_of("mysql://localhost/test").is_err());
    }

    #[test]
    fn the_sqlite_file_path_is_found_in_the_url() {
        assert_eq!(sqlite_path("sqlite://data/x.db?mode=rwc"), Some(Path::new("data/x.db")));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some(Path::new("/tmp/x.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn a_new_key_file_is_private_and_read_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let key = load_or_create_key(&path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(load_or_create_key(&path).unwrap(), key);
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        fs::write(&path, b"short").unwrap();
        assert!(load_or_create_key(&path).is_err());
    }
}
