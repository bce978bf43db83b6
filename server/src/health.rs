//! `/healthz` and `/readyz`, for load balancers and orchestrators. Neither needs a session, and
//! neither writes a log line per call (they are asked every few seconds).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sqlx::AnyPool;

/// The process runs and answers.
pub async fn live() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// The database answers and every migration this build knows is applied; 503 with the reason
/// otherwise, so a load balancer sends no traffic to an instance that could not serve it.
pub async fn ready(State(db): State<AnyPool>) -> Response {
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
