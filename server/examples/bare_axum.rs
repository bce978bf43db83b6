//! The baseline of `scripts/bench.sh`: a bare axum server, on the same axum and tokio as the
//! WebApp, that answers every request (any path, any method) with "hello". The WebApp's
//! requests per second are printed as a share of this one's.
//!
//!   cargo run --release -p server --example bare_axum -- 127.0.0.1:3999

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3999".to_owned());
    let app = axum::Router::new().fallback(|| async { "hello" });
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
