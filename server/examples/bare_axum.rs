//! The baselines of `scripts/bench.sh`: a bare axum server, on the same axum and tokio as the
//! WebApp, that answers every request (any path, any method) with "hello"; and, with
//! `--sqlite-queries N`, the same server reading one row of a SQLite file N times, one after the
//! other, through the same sqlx pool before it answers: with 1, what a request that must look at
//! the database (a session check) can reach at best on this stack; with as many as a page makes,
//! that page's floor. With `--session-rules`, it reads a session instead, as the WebApp's rules
//! ask, with the session check's own query on a database its migrations made (`floors/session_rules.rs`):
//! what any session check under these rules can reach at best on this stack, before the cookie,
//! the token's hash, the headers and everything else around a request. The WebApp's requests per
//! second are printed as shares of these.
//!
//!   cargo run --release -p server --example bare_axum -- 127.0.0.1:3999 [--sqlite-queries N | --session-rules]

use axum::extract::State;
use sqlx::AnyPool;

/// The WebApp's allocator (server/src/main.rs): on glibc's malloc the session-rules floor took
/// 83,300 instructions a call, on mimalloc 73,300 (callgrind), a cost the WebApp does not pay.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "floors/one_row.rs"]
mod one_row;
#[path = "floors/session_rules.rs"]
mod session_rules;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let args: Vec<String> = std::env::args().collect();
    let queries: usize = match args.iter().position(|a| a == "--sqlite-queries") {
        Some(at) => args.get(at + 1).and_then(|n| n.parse().ok()).ok_or("--sqlite-queries needs a number")?,
        None => 0,
    };
    let folder = tempfile::tempdir()?;
    let app = if args.iter().any(|a| a == "--session-rules") {
        let rules = session_rules::session_rules(folder.path()).await?;
        axum::Router::new()
            .fallback(move |State(rules): State<session_rules::SessionRules>| async move {
                match session_rules::read_the_session(&rules).await {
                    Ok(true) => "hello",
                    _ => "nobody",
                }
            })
            .with_state(rules)
    } else if queries > 0 {
        let pool = one_row::pool_with_one_row(folder.path()).await?;
        axum::Router::new()
            .fallback(move |State(pool): State<AnyPool>| async move {
                let mut found = 0;
                for _ in 0..queries {
                    found += usize::from(one_row::read_the_row(&pool).await.unwrap_or_default());
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
