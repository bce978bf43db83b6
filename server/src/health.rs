//! `/healthz` and `/readyz`, for load balancers and orchestrators. Neither needs a session, and
//! neither writes a log line per call (they are asked every few seconds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;
use sqlx::AnyPool;

/// Whether the instance is draining: it got SIGTERM and serves on for `--drain-secs`, with
/// `/readyz` answering 503, so that a load balancer's health check takes it out of rotation
/// before it stops accepting connections.
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn begin(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The process runs and answers.
pub async fn live() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// The database answers and every migration this build knows is applied, and the instance is
/// not draining; 503 with the reason otherwise, so a load balancer sends no traffic to an
/// instance that could not serve it, or is about to stop.
pub async fn ready(State(db): State<AnyPool>, Extension(draining): Extension<Draining>) -> Response {
    if draining.is_on() {
        return not_ready("draining: this instance is shutting down".to_owned());
    }
    match crate::storage::missing_migrations(&db).await {
        Ok(missing) if missing.is_empty() => Json(json!({ "status": "ready" })).into_response(),
        Ok(missing) => not_ready(format!("migrations not applied: {missing:?}")),
        Err(error) => {
            tracing::debug!(%error, "readiness check: the database did not answer");
            not_ready("the database does not answer".to_owned())
        }
    }
}

fn not_ready(reason: String) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "not_ready", "reason": reason })))
        .into_response()
}
