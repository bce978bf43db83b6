//! `POST /api/session`, who is logged in here (`app::api::current_viewer`), answered without
//! Leptos's server-function machinery. It is the call an API client makes to learn whether its
//! cookie still holds a session (docs/api.md), and the one whose speed is measured against the
//! floor of any request that reads the database (`scripts/bench.sh`). The machinery was about a
//! seventh of its server CPU (59.9 against 51.6 µs a check): a reactive owner and its contexts,
//! leptos_axum's route, the server function's boxed service, the per-request memo's task and the
//! Leptos options cloned for every call (perf; docs/performance.md, issue 29, tenth session).
//!
//! Only calls the server function answers the same way are taken here: an empty body (what the
//! WASM, curl and API clients send; the function has no arguments) from a client that is not a
//! plain HTML form (leptos_axum sends those back to their page). Every other call goes on to the
//! server function, as before. Both read the session the same way (`api::context::viewer_of`) and
//! answer the same `Viewer`; the policy around every request (cross-site refusal,
//! headers, request id, metrics) is the router's, as for any request.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::response::Response;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method};
use leptos::server_fn::ServerFn;

use app::backend::AppState;

use crate::api_errors;

/// Whether `request` is a session check this module answers.
pub fn takes(request: &Request) -> bool {
    request.method() == Method::POST
        && request.uri().path() == app::api::CurrentViewer::PATH
        && request.body().size_hint().exact() == Some(0)
        && !app::api::context::asks_for_a_page(request.headers())
}

/// The `Viewer` of the session whose cookie is among `headers`, as JSON (`null` without a live
/// session), or the error as every server function's error is answered, in the language of
/// `headers` (read only then: a check that succeeds needs none).
pub async fn answer(state: &AppState, headers: &HeaderMap) -> Response {
    let locale = || app::i18n::of_request(headers);
    let token = app::api::context::session_token_in(headers, &state.settings);
    match app::api::context::viewer_of(state, token).await {
        Ok(viewer) => match serde_json::to_vec(&viewer) {
            Ok(json) => {
                let mut response = Response::new(Body::from(json));
                response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            Err(error) => {
                api_errors::error_response(&app::error::AppError::internal("viewer", error), locale())
            }
        },
        Err(error) => api_errors::error_response(&error, locale()),
    }
}
