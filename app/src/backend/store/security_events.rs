//! The append-only `security_events` table.

use super::Db;
use crate::backend::ids::UserId;
use crate::error::AppError;
use crate::security_events::{SecurityEvent, SecurityEventKind};

/// How many events Settings shows.
pub const RECENT_EVENTS: i64 = 20;

/// Records an event through `db`: the pool, or the transaction of the change it records, so
/// that the change and its event are committed together or not at all.
pub async fn record<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    kind: SecurityEventKind,
    ip: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO security_events (user_id, kind, ip, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(kind.as_str())
        .bind(ip)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// How many events of `kinds` the account had since `since`.
pub async fn count_since<'e>(
    db: impl Db<'e>,
    user_id: UserId,
    kinds: &[SecurityEventKind],
    since: i64,
) -> Result<i64, AppError> {
    let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM security_events WHERE user_id = $1 AND created_at >= $2 AND kind IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql).bind(user_id).bind(since);
    for kind in kinds {
        query = query.bind(kind.as_str());
    }
    Ok(query.fetch_one(db).await?)
}

#[derive(sqlx::FromRow)]
struct EventRow {
    kind: String,
    created_at: i64,
    ip: Option<String>,
}

pub async fn recent<'e>(db: impl Db<'e>, user_id: UserId) -> Result<Vec<SecurityEvent>, AppError> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT kind, created_at, ip FROM security_events WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(RECENT_EVENTS)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            SecurityEventKind::parse(&row.kind).map(|kind| SecurityEvent {
                kind,
                at: row.created_at,
                ip: row.ip,
            })
        })
        .collect())
}
