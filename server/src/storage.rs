//! The database (SQLite or PostgreSQL, picked by the URL) and the key file.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use app::backend::crypto::sealing::DataKey;
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
    #[error("cannot prepare {0} for the SQLite database: {1}")]
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
        // A request waits this long for a connection; when the database is down (a PostgreSQL
        // restart), it then answers 503 `database_unavailable` rather than hanging.
        .acquire_timeout(Duration::from_secs(3))
        // A ping before each use finds a PostgreSQL connection that a restart or a proxy cut
        // before a request fails on it. A SQLite connection is a file kept open in this process:
        // nothing to lose, and the ping was a round trip to its thread on every query.
        .test_before_acquire(engine == Engine::Postgres)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    sqlx::query("PRAGMA secure_delete = ON").execute(conn).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(StorageError::Connect)?;
    match engine {
        Engine::Sqlite => {
            prepare_sqlite(&pool).await?;
            if let Some(path) = sqlite_path(url) {
                make_private(path)?;
            }
        }
        Engine::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
    }
    Ok(pool)
}

/// The versions of the migrations this build knows that the database has not applied (or whose
/// application failed); an error when the database does not answer.
pub async fn missing_migrations(db: &AnyPool) -> Result<Vec<i64>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let migrator =
        if conn.backend_name() == "PostgreSQL" { &POSTGRES_MIGRATIONS } else { &SQLITE_MIGRATIONS };
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(&mut *conn)
        .await?;
    Ok(migrator.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect())
}

/// The database holds password hashes and sealed secrets: only the server's user may read it.
fn make_private(path: &Path) -> Result<(), StorageError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            fs::set_permissions(&file, fs::Permissions::from_mode(0o600))
                .map_err(|e| StorageError::DatabaseFolder(file.clone(), e))?;
        }
    }
    Ok(())
}

/// Switches the file to WAL and migrates it. The SQLite settings, and why each is safe:
/// - `journal_mode = WAL` (set here; it stays with the file): readers go on while one connection
///   writes, and a crash at any moment leaves the last committed state.
/// - `synchronous = FULL` (SQLite's and sqlx's default, kept on purpose): every commit is on disk
///   before its answer leaves, so a used code or backup code, a counted guess or an ended
///   session survives a power cut too. `NORMAL` would save an fsync per write but could forget
///   the last commits after a power cut, letting a used code be used again.
/// - `busy_timeout = 5 s` (sqlx's default): a write that meets another instance's write waits
///   for it instead of failing.
/// - `foreign_keys = ON` (sqlx's default): references between tables are enforced.
/// - `secure_delete = ON` (set on each connection): deleted rows are overwritten with zeros, so
///   a closed account's email and history do not linger in free pages of the file.
///
/// sqlx locks PostgreSQL during migrations but not SQLite: when two instances start at once, the
/// one that loses the race finds the file locked, or fails on a table the other just made. It
/// tries again, and then finds the work done.
async fn prepare_sqlite(pool: &AnyPool) -> Result<(), StorageError> {
    let mut attempt = 1;
    loop {
        let result = match sqlx::query("PRAGMA journal_mode = WAL").fetch_optional(pool).await {
            Ok(_) => SQLITE_MIGRATIONS.run(pool).await.map_err(StorageError::from),
            Err(e) => Err(StorageError::Pragma(e)),
        };
        match result {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 8 => {
                tracing::warn!(attempt, "preparing SQLite failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Where a rotation keeps the next key until every value is sealed under it.
pub fn next_key_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".next");
    PathBuf::from(name)
}

/// Reads a key file.
pub fn read_key(path: &Path) -> Result<DataKey, StorageError> {
    let fail = |msg: String| StorageError::KeyFile(path.to_owned(), msg);
    let bytes = fs::read(path).map_err(|e| fail(e.to_string()))?;
    let mode = fs::metadata(path).map_err(|e| fail(e.to_string()))?.permissions().mode();
    // Whoever reads the key reads every sealed secret: refuse to run on a file others can read.
    if mode & 0o077 != 0 {
        return Err(fail(format!("is open to group or others (mode {:o}): chmod 600 it", mode & 0o777)));
    }
    DataKey::from_file_bytes(&bytes)
        .ok_or_else(|| fail(format!("holds {} bytes, expected 33 (or 32)", bytes.len())))
}

/// Writes `key` to a new file with mode 0600: whole under a temporary name, then linked into
/// place, so that a reader sees either no file or the complete key. `AlreadyExists` when the
/// file is there.
pub fn write_new_key(path: &Path, key: &DataKey) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .and_then(|mut file| file.write_all(&key.to_file_bytes()).and_then(|_| file.sync_all()));
    let linked = written.and_then(|_| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    linked
}

/// Reads the data key, creating it with mode 0600 when the file does not exist. Refuses to
/// start in the middle of a key rotation.
pub fn load_or_create_key(path: &Path) -> Result<DataKey, StorageError> {
    if next_key_path(path).exists() {
        return Err(StorageError::KeyFile(
            path.to_owned(),
            "a key rotation was interrupted: run `server rotate-key` again to finish it".into(),
        ));
    }
    load_or_create_current_key(path)
}

fn load_or_create_current_key(path: &Path) -> Result<DataKey, StorageError> {
    match read_key(path) {
        Ok(key) => Ok(key),
        Err(StorageError::KeyFile(_, _)) if !path.exists() => {
            let key = DataKey::generate(1);
            match write_new_key(path, &key) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "created a new data key");
                    Ok(key)
                }
                // Another instance starting at the same moment won: use its key.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read_key(path),
                Err(e) => Err(StorageError::KeyFile(path.to_owned(), e.to_string())),
            }
        }
        Err(e) => Err(e),
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
    fn a_key_file_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        load_or_create_key(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let err = load_or_create_key(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        fs::write(&path, b"short").unwrap();
        assert!(load_or_create_key(&path).is_err());
    }

    #[test]
    fn an_interrupted_rotation_keeps_the_server_from_starting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        load_or_create_key(&path).unwrap();
        fs::write(next_key_path(&path), [0u8; 33]).unwrap();
        let err = load_or_create_key(&path).unwrap_err().to_string();
        assert!(err.contains("rotate-key"), "{err}");
    }
}
