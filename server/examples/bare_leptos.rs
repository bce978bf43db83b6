//! The Leptos floors of `scripts/bench.sh`: a server on the same axum, tokio, leptos and
//! leptos_axum as the WebApp, with nothing of the WebApp in it. `GET /` renders a page of one
//! paragraph through leptos_axum (a reactive owner, the request's context, the router, the HTML
//! stream): what any page rendered by Leptos on the server costs at least on this stack.
//! `POST /api/floor` calls a server function that reads one SQLite row through a pool set up
//! as the WebApp's: what a server function that looks at the database (the session check)
//! costs at least. `POST /api/session_floor` calls one that reads a session as the WebApp's
//! rules ask, with the session check's own query (`store::sessions::find_viewer`: the session
//! joined with its account, and whether the account moved to a new epoch or confirmed its
//! address) on a database the WebApp's migrations made: what any session check under
//! these rules costs at least on this stack, before the cookie, the token's hash, the headers
//! and everything else around a request.
//!
//!   cargo run --release -p server --example bare_leptos -- 127.0.0.1:3998

use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use sqlx::AnyPool;

/// The WebApp's allocator (server/src/main.rs): on glibc's malloc the session-rules floor took
/// 83,300 instructions a call, on mimalloc 73,300 (callgrind), a cost the WebApp does not pay.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "floors/one_row.rs"]
mod one_row;

#[server(prefix = "/api", endpoint = "floor")]
async fn floor() -> Result<bool, ServerFnError> {
    let pool = use_context::<AnyPool>().ok_or_else(|| ServerFnError::new("no pool in the context"))?;
    one_row::read_the_row(&pool).await.map_err(ServerFnError::new)
}

#[path = "floors/session_rules.rs"]
mod session_rules;
use session_rules::{session_rules, SessionRules};

#[server(prefix = "/api", endpoint = "session_floor")]
async fn session_floor() -> Result<bool, ServerFnError> {
    let rules =
        use_context::<SessionRules>().ok_or_else(|| ServerFnError::new("no session in the context"))?;
    session_rules::read_the_session(&rules).await.map_err(ServerFnError::new)
}

#[component]
fn Floor() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "not found">
                <Route path=path!("/") view=|| view! { <p>"hello"</p> }/>
            </Routes>
        </Router>
    }
}

fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head><meta charset="utf-8"/><title>"floor"</title></head>
            <body><Floor/></body>
        </html>
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3998".to_owned());
    let folder = tempfile::tempdir()?;
    let pool = one_row::pool_with_one_row(folder.path()).await?;
    let rules = session_rules(folder.path()).await?;
    let options = LeptosOptions::builder().output_name("floor").build();
    let routes = generate_route_list(Floor);
    let context = move || {
        provide_context(pool.clone());
        provide_context(rules.clone());
    };
    let app = axum::Router::new()
        .leptos_routes_with_context(&options, routes, context, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
