//! Guessing limits for passwords, app codes and backup codes, kept in the database so that
//! they hold across sessions, restarts and server instances.
//!
//! Each guess is counted before it is checked, so parallel guesses cannot outrun the count; a
//! success resets the count. After `FREE_FAILURES` failures in a row every further attempt,
//! right or wrong, is refused for a delay that doubles from 30 seconds up to an hour. On top,
//! at most `MAX_FAILURES_PER_DAY` failures fit in 24 hours: with the hour-long delay alone an
//! attacker who knows the password would still get ~720 code guesses in 30 days (a 0.2% chance
//! to hit); with the daily ceiling it is 300 (under 0.1%).

use sqlx::AnyPool;

use crate::error::AppError;

pub const FREE_FAILURES: i64 = 5;
pub const FIRST_DELAY_SECS: i64 = 30;
pub const MAX_DELAY_SECS: i64 = 60 * 60;
pub const MAX_FAILURES_PER_DAY: i64 = 10;
const DAY_SECS: i64 = 24 * 60 * 60;

/// What is counted: one account's second factor, one email's password, one client address.
pub fn second_factor_scope(user_id: i64) -> String {
    format!("second-factor:{user_id}")
}

pub fn password_scope(email: &str) -> String {
    format!("password:{email}")
}

pub fn client_scope(ip: &str) -> String {
    format!("ip:{ip}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub failures: i64,
    pub locked_until: i64,
    pub day_start: i64,
    pub day_failures: i64,
}

/// The delay after the `failures`-th failure in a row.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(32) as u32;
    FIRST_DELAY_SECS.saturating_mul(1_i64 << doublings).min(MAX_DELAY_SECS)
}

/// Admits one more attempt at `now`, counted as a failure until it succeeds, or says how many
/// seconds remain before the next one is allowed.
pub fn admit(counter: Counter, now: i64) -> Result<Counter, i64> {
    if counter.locked_until > now {
        return Err(counter.locked_until - now);
    }
    let (day_start, day_failures) = if now - counter.day_start >= DAY_SECS {
        (now, 1)
    } else {
        (counter.day_start, counter.day_failures + 1)
    };
    let failures = counter.failures + 1;
    let mut locked_until = match delay_after(failures) {
        0 => 0,
        delay => now + delay,
    };
    if day_failures >= MAX_FAILURES_PER_DAY {
        locked_until = locked_until.max(day_start + DAY_SECS);
    }
    Ok(Counter { failures, locked_until, day_start, day_failures })
}

fn db_error(e: sqlx::Error) -> AppError {
    AppError::internal("updating attempt limits", e)
}

/// The scopes of a guess: the account's (given) and the client's address, when known.
pub fn scopes(account_scope: String, ip: Option<&str>) -> Vec<String> {
    let mut scopes = vec![account_scope];
    scopes.extend(ip.map(client_scope));
    scopes
}

/// Counts an attempt in every scope, or refuses it with `TooManyAttempts`.
pub async fn begin_attempt(db: &AnyPool, scopes: &[String], now: i64) -> Result<(), AppError> {
    for scope in scopes {
        admit_in(db, scope, now).await?;
    }
    Ok(())
}

async fn admit_in(db: &AnyPool, scope: &str, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO attempt_limits (scope, failures, locked_until, day_start, day_failures, version)
         VALUES ($1, 0, 0, $2, 0, 0) ON CONFLICT (scope) DO NOTHING",
    )
    .bind(scope)
    .bind(now)
    .execute(db)
    .await
    .map_err(db_error)?;
    // Compare-and-swap: a parallel attempt that updated the row first makes us read it again.
    loop {
        let (failures, locked_until, day_start, day_failures, version): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT failures, locked_until, day_start, day_failures, version FROM attempt_limits WHERE scope = $1",
        )
        .bind(scope)
        .fetch_one(db)
        .await
        .map_err(db_error)?;
        let counter = Counter { failures, locked_until, day_start, day_failures };
        let next = admit(counter, now).map_err(|wait| {
            tracing::info!(scope = scope.split(':').next().unwrap_or_default(), wait, "attempt refused: too many failures");
            AppError::TooManyAttempts { retry_after_secs: wait }
        })?;
        let swapped = sqlx::query(
            "UPDATE attempt_limits SET failures = $1, locked_until = $2, day_start = $3, day_failures = $4,
             version = version + 1 WHERE scope = $5 AND version = $6",
        )
        .bind(next.failures)
        .bind(next.locked_until)
        .bind(next.day_start)
        .bind(next.day_failures)
        .bind(scope)
        .bind(version)
        .execute(db)
        .await
        .map_err(db_error)?;
        if swapped.rows_affected() == 1 {
            return Ok(());
        }
    }
}

/// A success resets the count of every scope.
pub async fn succeeded(db: &AnyPool, scopes: &[String]) -> Result<(), AppError> {
    for scope in scopes {
        sqlx::query(
            "UPDATE attempt_limits SET failures = 0, locked_until = 0, day_failures = 0, version = version + 1
             WHERE scope = $1",
        )
        .bind(scope)
        .execute(db)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_30_seconds_to_an_hour_after_five_failures() {
        let delays: Vec<i64> = (1..=14).map(delay_after).collect();
        assert_eq!(delays, [0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(delay_after(i64::MAX), MAX_DELAY_SECS);
    }

    #[test]
    fn while_locked_every_attempt_is_refused_with_the_time_left() {
        let mut counter = Counter::default();
        let now = 1_000_000;
        for _ in 0..FREE_FAILURES {
            counter = admit(counter, now).unwrap();
        }
        assert_eq!(admit(counter, now + 1), Err(29));
        assert!(admit(counter, now + 30).is_ok());
    }
}
