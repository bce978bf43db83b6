//! The append-only `security_events` table.

use sqlx::AnyPool;

use crate::error::AppError;
use crate::security_events::{SecurityEvent, SecurityEventKind};

/// How many events Settings shows.
pub const RECENT_EVENTS: i64 = 20;

/// Records an event through `db`: the pool, or the transaction of the change it records, so
/// that the change and its event are committed together or not at all.
pub async fn record<'e, E>(
    db: E,
    user_id: i64,
    kind: SecurityEventKind,
    ip: Option<&str>,
    now: i64,
) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("INSERT INTO security_events (user_id, kind, ip, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(kind.as_str())
        .bind(ip)
        .bind(now)
        .execute(db)
        .await
        .map_err(|e| AppError::internal("recording a security event", e))?;
    Ok(())
}

pub async fn recent(db: &AnyPool, user_id: i64) -> Result<Vec<SecurityEvent>, AppError> {
    let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT kind, created_at, ip FROM security_events WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(RECENT_EVENTS)
    .fetch_all(db)
    .await
    .map_err(|e| AppError::internal("loading security events", e))?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, at, ip)| {
            SecurityEventKind::parse(&kind).map(|kind| SecurityEvent { kind, at, ip })
        })
        .collect())
}
