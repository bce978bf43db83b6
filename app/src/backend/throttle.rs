//! Guessing limits for passwords, app codes and backup codes, and a limit on sign-ups, kept in
//! the database so that they hold across sessions, restarts and server instances.
//!
//! Each attempt is counted before it is checked, so parallel attempts cannot outrun the count.
//! After 5 failures in a row on an account every further attempt, right or wrong, is refused for
//! a delay that doubles from 30 seconds up to an hour. On top, at most 10 failures fit in 24
//! hours, and a success does not give them back: with the hour-long delay alone an attacker who
//! knows the password would get ~720 code guesses in 30 days (a 0.2% chance to hit); with the
//! daily ceiling it is ~300 (under 0.1%), however often the owner logs in.
//!
//! A browser that logged in to the account before (a device cookie, see `devices`) is counted
//! on its own instead: what strangers do to the account's count never locks it out, and it
//! gets the same small limit for itself.
//!
//! A client address (an IPv6 client by its /64) gets the same doubling delay after 100 failures
//! and no daily ceiling: it slows one machine spraying many accounts without locking out an
//! office behind one NAT address. A success from the address forgives only that attempt, never
//! the failures against other accounts; the count starts afresh each day.

use std::net::IpAddr;

use sqlx::{AnyConnection, AnyPool};

use super::caller::Caller;
use super::ids::{AuthEpoch, UserId};
pub use super::store::attempt_limits::Counter;
use super::store::{self, attempt_limits};
use crate::error::AppError;

pub const FIRST_DELAY_SECS: i64 = 30;
pub const MAX_DELAY_SECS: i64 = 60 * 60;
pub const DAY_SECS: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures in a row before the delays start.
    pub free_failures: i64,
    pub max_failures_per_day: Option<i64>,
    /// Whether a success wipes the failures in a row (an account's, a device's), or forgives
    /// only its own attempt (a client address's, where the success may be on another account).
    pub success_resets: bool,
    /// Whether the failures in a row start again at zero with each new day.
    pub fresh_each_day: bool,
}

pub const ACCOUNT_POLICY: Policy =
    Policy { free_failures: 5, max_failures_per_day: Some(10), success_resets: true, fresh_each_day: false };
pub const DEVICE_POLICY: Policy = ACCOUNT_POLICY;
pub const TRUSTED_DEVICES_POLICY: Policy =
    Policy { free_failures: 10, max_failures_per_day: Some(30), success_resets: true, fresh_each_day: false };
pub const CLIENT_POLICY: Policy =
    Policy { free_failures: 100, max_failures_per_day: None, success_resets: false, fresh_each_day: true };
/// Sign-ups per client address: every sign-up counts, none is forgiven. Ten at once, then the
/// doubling delay, and at most 20 a day.
pub const SIGN_UP_POLICY: Policy =
    Policy { free_failures: 10, max_failures_per_day: Some(20), success_resets: false, fresh_each_day: true };

/// Password reset links asked for: every request counts, none is forgiven. Three at once, then
/// the doubling delay, and at most ten a day, per email address (and its account) ...
pub const RESET_POLICY: Policy =
    Policy { free_failures: 3, max_failures_per_day: Some(10), success_resets: false, fresh_each_day: true };
/// ... and per client address, which may ask for several addresses.
pub const RESET_CLIENT_POLICY: Policy = Policy {
    free_failures: 20,
    max_failures_per_day: Some(100),
    success_resets: false,
    fresh_each_day: true,
};

/// Confirmation mails asked for again: every request counts. Three at once, then the doubling
/// delay, at most ten a day per account, so nobody can flood an address through the resend.
pub const CONFIRMATION_RESEND_POLICY: Policy =
    Policy { free_failures: 3, max_failures_per_day: Some(10), success_resets: false, fresh_each_day: true };

/// What is counted, and under which policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub key: String,
    pub policy: Policy,
}

/// One account's second factor: app codes and backup codes.
pub fn second_factor_scope(user_id: UserId) -> Scope {
    Scope { key: format!("second-factor:{user_id}"), policy: ACCOUNT_POLICY }
}

/// One email's password, whether or not an account has it.
pub fn password_scope(email: &str) -> Scope {
    Scope { key: format!("password:{email}"), policy: ACCOUNT_POLICY }
}

/// A trusted browser of an account: its passwords and codes together.
pub fn device_scope(nonce: &str) -> Scope {
    Scope { key: format!("device:{nonce}"), policy: DEVICE_POLICY }
}

/// All trusted browsers of an account together: a backstop, should several of its device
/// cookies be stolen at once.
pub fn trusted_devices_scope(user_id: UserId) -> Scope {
    Scope { key: format!("trusted-devices:{user_id}"), policy: TRUSTED_DEVICES_POLICY }
}

/// The address as counted: an IPv4 address, or the /64 network of an IPv6 one (a single host
/// usually owns a whole /64 and can pick any address in it).
pub fn counted_address(ip: &str) -> String {
    counted_network(ip, 64)
}

/// The IPv6 /48 around `ip` (a site: one customer of a provider), or `None` for IPv4, which
/// `counted_address` already counts whole.
pub fn counted_site(ip: &str) -> Option<String> {
    let parsed = ip.parse::<IpAddr>().ok()?;
    let v6 = matches!(parsed, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none());
    v6.then(|| counted_network(ip, 48))
}

/// The IPv4 address, or the IPv6 network of `prefix` bits (64 or 48) around the address.
fn counted_network(ip: &str, prefix: u8) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                match prefix {
                    48 => format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]),
                    _ => format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]),
                }
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

/// An IPv6 client's whole site: a home line usually gets a /56, an office a /48, so one client
/// can pick among 256 to 65,536 /64 networks. Each /48 gets ten times a /64's allowance.
fn site_scope(kind: &str, ip: &str, policy: Policy) -> Option<Scope> {
    let parsed = ip.parse::<IpAddr>().ok()?;
    let v6 = matches!(parsed, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none());
    let policy = Policy {
        free_failures: policy.free_failures * 10,
        max_failures_per_day: policy.max_failures_per_day.map(|max| max * 10),
        ..policy
    };
    v6.then(|| Scope { key: format!("{kind}-site:{}", counted_network(ip, 48)), policy })
}

/// The address's scopes for guesses: its /64 (or IPv4 address) and, for IPv6, its /48.
pub fn client_scopes(ip: &str) -> Vec<Scope> {
    let mut scopes = vec![Scope { key: format!("ip:{}", counted_address(ip)), policy: CLIENT_POLICY }];
    scopes.extend(site_scope("ip", ip, CLIENT_POLICY));
    scopes
}

/// The address's scopes for sign-ups, counted as for guesses.
pub fn sign_up_scopes(ip: &str) -> Vec<Scope> {
    let mut scopes = vec![Scope { key: format!("sign-up:{}", counted_address(ip)), policy: SIGN_UP_POLICY }];
    scopes.extend(site_scope("sign-up", ip, SIGN_UP_POLICY));
    scopes
}

/// The scope of the account's confirmation resends.
pub fn confirmation_resend_scope(user_id: UserId) -> Scope {
    Scope { key: format!("confirmation-resend:{user_id}"), policy: CONFIRMATION_RESEND_POLICY }
}

/// Every counter named after the account or its address, for closing the account.
pub fn scopes_of_account(user_id: UserId, email: &str) -> Vec<String> {
    vec![
        second_factor_scope(user_id).key,
        password_scope(email).key,
        trusted_devices_scope(user_id).key,
        format!("reset:{email}"),
        format!("reset-account:{user_id}"),
        confirmation_resend_scope(user_id).key,
    ]
}

/// The scopes of a request for a password reset link for `email` (whose account, if any, is
/// `account`), from `ip`: counted alike whether or not an account has the address.
pub fn reset_scopes(email: &str, account: Option<(UserId, AuthEpoch)>, caller: &Caller) -> Vec<Scope> {
    // A trusted browser of the account is counted on its own: a stranger's requests for the
    // address never use up the owner's way back by mail.
    if let Some(device) = account.and_then(|(id, epoch)| caller.trusted_device(id, epoch)) {
        return vec![Scope { key: format!("reset-device:{}", device.nonce), policy: RESET_POLICY }];
    }
    let mut scopes = vec![Scope { key: format!("reset:{email}"), policy: RESET_POLICY }];
    scopes.extend(account.map(|(id, _)| Scope { key: format!("reset-account:{id}"), policy: RESET_POLICY }));
    if let Some(ip) = caller.ip() {
        scopes.push(Scope { key: format!("reset-ip:{}", counted_address(ip)), policy: RESET_CLIENT_POLICY });
        scopes.extend(site_scope("reset-ip", ip, RESET_CLIENT_POLICY));
    }
    scopes
}

/// The scopes of a password attempt on `email` (whose account, if any, is `account`: its id
/// and authentication epoch): the caller's device when it is a trusted browser of that account,
/// else the address and the email.
pub fn password_scopes(email: &str, account: Option<(UserId, AuthEpoch)>, caller: &Caller) -> Vec<Scope> {
    match account.and_then(|(id, epoch)| caller.trusted_device(id, epoch)) {
        Some(device) => vec![device_scope(&device.nonce)],
        None => scopes(password_scope(email), caller.ip()),
    }
}

/// The scopes of a second-factor attempt on `user_id` at `epoch`: a trusted browser's own and
/// the backstop of all trusted browsers, else the address and the account.
pub fn second_factor_scopes(user_id: UserId, epoch: AuthEpoch, caller: &Caller) -> Vec<Scope> {
    match caller.trusted_device(user_id, epoch) {
        Some(device) => vec![device_scope(&device.nonce), trusted_devices_scope(user_id)],
        None => scopes(second_factor_scope(user_id), caller.ip()),
    }
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
    let new_day = now - counter.day_start >= DAY_SECS;
    let (day_start, day_failures) =
        if new_day { (now, 1) } else { (counter.day_start, counter.day_failures + 1) };
    let failures = if new_day && policy.fresh_each_day { 1 } else { counter.failures + 1 };
    let mut locked_until = match delay_after(policy, failures) {
        0 => 0,
        delay => now + delay,
    };
    if policy.max_failures_per_day.is_some_and(|max| day_failures >= max) {
        locked_until = locked_until.max(day_start + DAY_SECS);
    }
    Ok(Counter { failures, locked_until, day_start, day_failures })
}

/// The counter after the attempt `admit` counted turned out right: that attempt is taken back
/// (from the day's failures too), and for an account or device the failures in a row end.
pub fn after_success(policy: Policy, counter: Counter) -> Counter {
    after(policy, counter, policy.success_resets)
}

/// The counter after the attempt `admit` counted could not be checked at all (the server was
/// too busy): it is taken back, and nothing else changes.
pub fn after_refund(policy: Policy, counter: Counter) -> Counter {
    after(policy, counter, false)
}

fn after(policy: Policy, counter: Counter, reset: bool) -> Counter {
    let failures = if reset { 0 } else { (counter.failures - 1).max(0) };
    let day_failures = (counter.day_failures - 1).max(0);
    let still_limited = delay_after(policy, failures) > 0
        || policy.max_failures_per_day.is_some_and(|max| day_failures >= max);
    let locked_until = if still_limited { counter.locked_until } else { 0 };
    Counter { failures, locked_until, day_start: counter.day_start, day_failures }
}

/// The scopes of a guess: the client's address, when known, and the account's (given). The
/// address comes first, so that a locked-out address stops before it counts on the account.
pub fn scopes(account_scope: Scope, ip: Option<&str>) -> Vec<Scope> {
    let mut scopes = ip.map(client_scopes).unwrap_or_default();
    scopes.push(account_scope);
    scopes
}

/// Counts an attempt in every scope, or refuses it with `TooManyAttempts`.
pub async fn begin_attempt(db: &AnyPool, scopes: &[Scope], now: i64) -> Result<(), AppError> {
    // Nothing to count (a sign-up whose address is unknown): no connection, no write lock.
    if scopes.is_empty() {
        return Ok(());
    }
    let mut conn = db.acquire().await?;
    if let [scope] = scopes {
        return update(&mut conn, scope, now, |counter| admit(scope.policy, counter, now)).await;
    }
    // Several scopes in one commit: one sync to disk, not one per scope. A scope that refuses
    // keeps the counts of the scopes before it, as when each was committed alone (an address
    // goes on being counted against an account that is locked).
    let mut tx = store::begin_write(&mut conn).await?;
    for scope in scopes {
        match update(&mut tx, scope, now, |counter| admit(scope.policy, counter, now)).await {
            Ok(()) => {}
            Err(refused @ AppError::TooManyAttempts { .. }) => {
                tx.commit().await?;
                return Err(refused);
            }
            Err(other) => return Err(other),
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The attempt begun in `scopes` was right (see `after_success`).
pub async fn succeeded(db: &AnyPool, scopes: &[Scope], now: i64) -> Result<(), AppError> {
    succeeded_in(&mut *db.acquire().await?, scopes, now).await
}

/// `succeeded`, inside the transaction of what the success starts (a login's session): both are
/// kept, or neither, at the cost of one commit. On SQLite the transaction must have written
/// already, so that it holds the write lock before it reads a counter.
pub async fn succeeded_in(conn: &mut AnyConnection, scopes: &[Scope], now: i64) -> Result<(), AppError> {
    for scope in scopes {
        update(conn, scope, now, |counter| Ok(after_success(scope.policy, counter))).await?;
    }
    Ok(())
}

/// Gives back the attempt begun in `scopes` when `checked` is `ServerBusy`: a request the
/// server turned away checked nothing, and must not count against anyone (else a flood would
/// lock the owner out).
pub async fn refund_if_busy<T>(
    db: &AnyPool,
    scopes: &[Scope],
    now: i64,
    checked: Result<T, AppError>,
) -> Result<T, AppError> {
    if let Err(AppError::ServerBusy { .. }) = &checked {
        let mut conn = db.acquire().await?;
        for scope in scopes {
            update(&mut conn, scope, now, |counter| Ok(after_refund(scope.policy, counter))).await?;
        }
    }
    checked
}

/// Applies `change` to the scope's counter as a compare-and-swap: a parallel attempt that
/// updated the row first makes us read it again, so every attempt is counted.
async fn update(
    conn: &mut AnyConnection,
    scope: &Scope,
    now: i64,
    change: impl Fn(Counter) -> Result<Counter, i64>,
) -> Result<(), AppError> {
    let key = scope.key.as_str();
    loop {
        // Read first: the row is there for nearly every attempt, and making it is a write. It
        // may be missing, or deleted by the cleanup between two statements: then it is made
        // and read again.
        let Some(current) = attempt_limits::read(&mut *conn, key).await? else {
            attempt_limits::ensure(&mut *conn, key, now).await?;
            continue;
        };
        let next = change(current.counter).map_err(|wait| {
            tracing::info!(
                scope = key.split(':').next().unwrap_or_default(),
                wait,
                "attempt refused: too many failures"
            );
            AppError::TooManyAttempts { retry_after_secs: wait }
        })?;
        if attempt_limits::swap(&mut *conn, key, next, current.version).await? {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_site_is_an_ipv6_slash_48_and_ipv4_has_none() {
        assert_eq!(counted_site("2001:db8:1:2:3:4:5:6").as_deref(), Some("2001:db8:1::/48"));
        assert_eq!(counted_site("198.51.100.7"), None);
        assert_eq!(counted_site("::ffff:198.51.100.7"), None);
    }

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

    #[test]
    fn a_success_keeps_the_days_failures_and_forgives_only_itself_for_an_address() {
        let now = 1_000_000;
        let mut counter = Counter::default();
        for _ in 0..3 {
            counter = admit(ACCOUNT_POLICY, counter, now).unwrap();
        }
        let right = admit(ACCOUNT_POLICY, counter, now).unwrap();
        let after = after_success(ACCOUNT_POLICY, right);
        assert_eq!((after.failures, after.day_failures, after.locked_until), (0, 3, 0));

        let mut address = Counter::default();
        for _ in 0..99 {
            address = admit(CLIENT_POLICY, address, now).unwrap();
        }
        let right = admit(CLIENT_POLICY, address, now).unwrap();
        assert!(right.locked_until > now, "the 100th attempt would lock");
        let after = after_success(CLIENT_POLICY, right);
        assert_eq!((after.failures, after.locked_until), (99, 0));
        assert!(admit(CLIENT_POLICY, admit(CLIENT_POLICY, after, now).unwrap(), now).is_err());
    }

    #[test]
    fn an_address_starts_afresh_each_day_and_ipv6_counts_per_64() {
        let now = 1_000_000;
        let mut address = Counter::default();
        for _ in 0..100 {
            address = admit(CLIENT_POLICY, address, now).unwrap();
        }
        assert!(admit(CLIENT_POLICY, address, now + 1).is_err());
        assert_eq!(admit(CLIENT_POLICY, address, now + DAY_SECS).unwrap().failures, 1);
        assert_eq!(counted_address("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(counted_address("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_eq!(counted_address("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(counted_address("192.0.2.1"), "192.0.2.1");
        let keys = |scopes: Vec<Scope>| scopes.into_iter().map(|s| s.key).collect::<Vec<_>>();
        assert_eq!(
            keys(client_scopes("2001:db8:1:2::9")),
            ["ip:2001:db8:1:2::/64", "ip-site:2001:db8:1::/48"]
        );
        assert_eq!(keys(client_scopes("192.0.2.1")), ["ip:192.0.2.1"]);
        assert_eq!(keys(sign_up_scopes("2001:db8:1:2::9"))[1], "sign-up-site:2001:db8:1::/48");
    }

    #[test]
    fn a_refund_takes_back_exactly_the_attempt_and_keeps_the_failures_in_a_row() {
        let now = 1_000_000;
        let mut counter = Counter::default();
        for _ in 0..4 {
            counter = admit(ACCOUNT_POLICY, counter, now).unwrap();
        }
        let busy = admit(ACCOUNT_POLICY, counter, now).unwrap();
        assert!(busy.locked_until > now);
        assert_eq!(after_refund(ACCOUNT_POLICY, busy), Counter { locked_until: 0, ..counter });
    }
}
