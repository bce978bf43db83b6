//! The database of the floors (bare_axum.rs, bare_leptos.rs): one SQLite row, read through a
//! pool set up as the WebApp's.

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

/// A pool as the WebApp's (10 connections, WAL, no ping before each use) on a file in `folder`,
/// holding one session row.
pub async fn pool_with_one_row(folder: &std::path::Path) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}/bare.db?mode=rwc", folder.display());
    let pool = AnyPoolOptions::new().max_connections(10).test_before_acquire(false).connect(&url).await?;
    sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
    sqlx::query("CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id BIGINT, last_seen_at BIGINT)")
        .execute(&pool)
        .await?;
    sqlx::query("INSERT INTO sessions VALUES ('a-session', 1, 0)").execute(&pool).await?;
    Ok(pool)
}

/// Reads the row once: whether it was found.
pub async fn read_the_row(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as("SELECT user_id, last_seen_at FROM sessions WHERE id = $1")
        .bind("a-session")
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}
