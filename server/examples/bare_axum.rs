//! The baselines of `scripts/bench.sh`: a bare axum server, on the same axum and tokio as the
//! WebApp, that answers every request (any path, any method) with "hello"; and, with
//! `--sqlite-queries N`, the same server reading one row of a SQLite file N times, one after the
//! other, through the same sqlx pool before it answers: with 1, what a request that must look at
//! the database (a session check) can reach at best on this stack; with as many as a page makes,
//! that page's floor. The WebApp's requests per second are printed as shares of these.
//!
//!   cargo run --release -p server --example bare_axum -- 127.0.0.1:3999 [--sqlite-queries N]

use axum::extract::State;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let args: Vec<String> = std::env::args().collect();
    let queries: usize = match args.iter().position(|a| a == "--sqlite-queries") {
        Some(at) => args.get(at + 1).and_then(|n| n.parse().ok()).ok_or("--sqlite-queries needs a number")?,
        None => 0,
    };
    let folder = tempfile::tempdir()?;
    let app = if queries > 0 {
        // As the WebApp's pool: 10 connections, WAL, no ping before each use.
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}/bare.db?mode=rwc", folder.path().display());
        let pool = AnyPoolOptions::new().max_connections(10).test_before_acquire(false).connect(&url).await?;
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        sqlx::query("CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id BIGINT, last_seen_at BIGINT)")
            .execute(&pool)
            .await?;
        sqlx::query("INSERT INTO sessions VALUES ('a-session', 1, 0)").execute(&pool).await?;
        axum::Router::new()
            .fallback(move |State(pool): State<AnyPool>| async move {
                let mut found = 0;
                for _ in 0..queries {
                    let row: Option<(i64, i64)> =
                        sqlx::query_as("SELECT user_id, last_seen_at FROM sessions WHERE id = $1")
                            .bind("a-session")
                            .fetch_optional(&pool)
                            .await
                            .unwrap_or_default();
                    found += usize::from(row.is_some());
                }
                if found == queries {
                    "hello"
                } else {
                    "nobody"
                }
            })
            .with_state(pool)
    } else {
        axum::Router::new().fallback(|| async { "hello" })
    };
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
