//! Work that must end as it began, whatever its caller does. A guess is counted before it is
//! checked and taken back once it proves right (see `throttle`), so a check cut short because
//! the browser went away (a tab closed, a connection lost, a button pressed twice) stayed
//! counted as a failure: five right passwords given up on locked their owner out. Such work runs
//! on a task of its own, which finishes it when the request is dropped, in the request's span.

use std::future::Future;

use tracing::Instrument;

use crate::error::AppError;

/// Runs `work` to its end, even when the caller stops waiting for it.
pub async fn run_to_end<T: Send + 'static>(
    work: impl Future<Output = Result<T, AppError>> + Send + 'static,
) -> Result<T, AppError> {
    tokio::spawn(work.instrument(tracing::Span::current()))
        .await
        .map_err(|e| AppError::internal("a check run to its end failed", e))?
}
