//! The clock every time-dependent rule takes as a parameter, so that tests can move it.

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A moment, in seconds since the Unix epoch: what the TOTP logic takes, so that a time cannot be
/// passed where a time step is meant, nor the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnixTime(pub i64);
