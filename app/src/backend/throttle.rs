//! Guessing limits for passwords, app codes and backup codes, kept in the database so that
//! they hold across sessions, restarts and server instances.
//!
//! Each guess is counted before it is checked, so parallel guesses cannot outrun the count; a
//! success resets the count. After 5 failures in a row on an account every further attempt,
//! right or wrong, is refused for a delay that doubles from 30 seconds up to an hour. On top,
//! at most 10 failures fit in 24 hours: with the hour-long delay alone an attacker who knows
//! the password would still get ~720 code guesses in 30 days (a 0.2% chance to hit); with the
//! daily ceiling it is ~300 (under 0.1%).
//!
//! A client address gets the same doubling delay after 100 failures in a row and no daily
//! ceiling: it slows one machine spraying many accounts without locking out an office behind
//! one NAT address.

use sqlx::AnyPool;

use super::db_error;
use crate::error::AppError;

pub const FIRST_DELAY_SECS: i64 = 30;
pub const MAX_DELAY_SECS: i64 = 60 * 60;
const DAY_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row before the delays start.
    pub free_failures: i64,
    pub max_failures_per_day: Option<i64>,
}

pub const ACCOUNT_POLICY: Policy = Policy { free_failures: 5, max_failures_per_day: Some(10) };
pub const CLIENT_POLICY: Policy = Policy { free_failures: 100, max_failures_per_day: None };

/// What is counted, and under which policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub key: String,
    pub policy: Policy,
}

/// One account's second factor: app codes and backup codes.
pub fn second_factor_scope(user_id: i64) -> Scope {
    Scope { key: format!("second-factor:{user_id}"), policy: ACCOUNT_POLICY }
}

/// One email's password, whether or not an account has it.
pub fn password_scope(email: &str) -> Scope {
    Scope { key: format!("password:{email}"), policy: ACCOUNT_POLICY }
}

pub fn client_scope(ip: &str) -> Scope {
    Scope { key: format!("ip:{ip}"), policy: CLIENT_POLICY }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub failures: i64,
    pub locked_until: i64,
    pub day_start: i64,
    pub day_failures: i64,
}

/// The delay after the `failures`-th failure in a row.
pub fn delay_after(policy: Policy, failures: i64) -> i64 {
    if failures < policy.free_failures {
        return 0;
    }
    let doublings = (failures - policy.free_failures).min(32) as u32;
    FIRST_DELAY_SECS.saturating_mul(1_i64 << doublings).min(MAX_DELAY_SECS)
}

/// Admits one more attempt at `now`, counted as a failure until it succeeds, or says how many
/// seconds remain before the next one is allowed.
pub fn admit(policy: Policy, counter: Counter, now: i64) -> Result<Counter, i64> {
    if counter.locked_until > now {
        return Err(counter.locked_until - now);
    }
    let (day_start, day_failures) = if now - counter.day_start >= DAY_SECS {
        (now, 1)
    } else {
        (counter.day_start, counter.day_failures + 1)
    };
    let failures = counter.failures + 1;
    let mut locked_until = match delay_after(policy, failures) {
        0 => 0,
        delay => now + delay,
    };
    if policy.max_failures_per_day.is_some_and(|max| day_failures >= max) {
        locked_until = locked_until.max(day_start + DAY_SECS);
    }
    Ok(Counter { failures, locked_until, day_start, day_failures })
}

const CONTEXT: &str = "updating attempt limits";

/// The scopes of a guess: the account's (given) and the client's address, when known.
pub fn scopes(account_scope: Scope, ip: Option<&str>) -> Vec<Scope> {
    let mut scopes = vec![account_scope];
    scopes.extend(ip.map(client_scope));
    scopes
}

/// Counts an attempt in every scope, or refuses it with `TooManyAttempts`.
pub async fn begin_attempt(db: &AnyPool, scopes: &[Scope], now: i64) -> Result<(), AppError> {
    for scope in scopes {
        admit_in(db, scope, now).await?;
    }
    Ok(())
}

async fn admit_in(db: &AnyPool, scope: &Scope, now: i64) -> Result<(), AppError> {
    let (policy, scope) = (scope.policy, scope.key.as_str());
    sqlx::query(
        "INSERT INTO attempt_limits (scope, failures, locked_until, day_start, day_failures, version)
         VALUES ($1, 0, 0, $2, 0, 0) ON CONFLICT (scope) DO NOTHING",
    )
    .bind(scope)
    .bind(now)
    .execute(db)
    .await
    .map_err(db_error(CONTEXT))?;
    // Compare-and-swap: a parallel attempt that updated the row first makes us read it again.
    loop {
        let (failures, locked_until, day_start, day_failures, version): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT failures, locked_until, day_start, day_failures, version FROM attempt_limits WHERE scope = $1",
        )
        .bind(scope)
        .fetch_one(db)
        .await
        .map_err(db_error(CONTEXT))?;
        let counter = Counter { failures, locked_until, day_start, day_failures };
        let next = admit(policy, counter, now).map_err(|wait| {
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
        .map_err(db_error(CONTEXT))?;
        if swapped.rows_affected() == 1 {
            return Ok(());
        }
    }
}

/// A success resets the count of every scope.
pub async fn succeeded(db: &AnyPool, scopes: &[Scope]) -> Result<(), AppError> {
    for scope in scopes {
        sqlx::query(
            "UPDATE attempt_limits SET failures = 0, locked_until = 0, day_failures = 0, version = version + 1
             WHERE scope = $1",
        )
        .bind(&scope.key)
        .execute(db)
        .await
        .map_err(db_error(CONTEXT))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_from_30_seconds_to_an_hour_after_five_failures() {
        let delays: Vec<i64> = (1..=14).map(|n| delay_after(ACCOUNT_POLICY, n)).collect();
        assert_eq!(delays, [0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(delay_after(ACCOUNT_POLICY, i64::MAX), MAX_DELAY_SECS);
        assert_eq!(delay_after(CLIENT_POLICY, 99), 0);
        assert_eq!(delay_after(CLIENT_POLICY, 100), 30);
    }

    #[test]
    fn while_locked_every_attempt_is_refused_with_the_time_left() {
        let mut counter = Counter::default();
        let now = 1_000_000;
        for _ in 0..ACCOUNT_POLICY.free_failures {
            counter = admit(ACCOUNT_POLICY, counter, now).unwrap();
        }
        assert_eq!(admit(ACCOUNT_POLICY, counter, now + 1), Err(29));
        assert!(admit(ACCOUNT_POLICY, counter, now + 30).is_ok());
    }

    #[test]
    fn an_account_gets_at_most_ten_failures_a_day() {
        let mut counter = Counter::default();
        let mut now = 1_000_000;
        let mut admitted = 0;
        while now < 1_000_000 + DAY_SECS {
            match admit(ACCOUNT_POLICY, counter, now) {
                Ok(next) => {
                    counter = next;
                    admitted += 1;
                    now += 1;
                }
                Err(wait) => now += wait,
            }
        }
        assert_eq!(admitted, 10);
    }
}
