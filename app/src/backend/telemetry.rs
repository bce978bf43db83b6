//! The counters and histograms of the domain, for `/metrics` (the `metrics` facade; the server
//! installs the Prometheus recorder). Labels take a few fixed values only, never an address,
//! an email or an id.

use std::time::Duration;

use crate::account::AuthLevel;
use crate::error::AppError;

/// A password login's outcome: success, second_factor_required, wrong_password, throttled, busy
/// or error.
pub fn login(outcome: &Result<AuthLevel, AppError>) {
    let result = match outcome {
        Ok(AuthLevel::PasswordVerified) => "second_factor_required",
        Ok(_) => "success",
        Err(AppError::InvalidCredentials) => "wrong_password",
        Err(AppError::TooManyAttempts { .. }) => "throttled",
        Err(AppError::ServerBusy { .. }) => "busy",
        Err(_) => "error",
    };
    metrics::counter!("webapp_logins_total", "result" => result).increment(1);
}

/// A second factor checked (`method`: app_code or backup_code), at login or for a change.
pub fn second_factor<T>(method: &'static str, outcome: &Result<T, AppError>) {
    let result = match outcome {
        Ok(_) => "accepted",
        Err(AppError::WrongCode | AppError::WrongBackupCode) => "wrong",
        Err(AppError::CodeMalformed | AppError::BackupCodeMalformed | AppError::CodeMissing) => "malformed",
        Err(AppError::TooManyAttempts { .. }) => "throttled",
        Err(_) => "error",
    };
    metrics::counter!("webapp_second_factor_checks_total", "method" => method, "result" => result)
        .increment(1);
}

/// A correct code of a time step already used, refused (RFC 6238 §5.2).
pub fn code_reused() {
    metrics::counter!("webapp_reused_codes_refused_total").increment(1);
}

pub fn backup_code_used() {
    metrics::counter!("webapp_backup_codes_used_total").increment(1);
}

/// A text handed to the way out, or not: `sent`, `refused` (the provider would not deliver to
/// the number), `failed` (down, rate limited, misconfigured), `over_budget` (the server's daily
/// budget is spent).
pub fn sms(outcome: &'static str) {
    metrics::counter!("webapp_sms_total", "outcome" => outcome).increment(1);
}

pub fn setup_started() {
    metrics::counter!("webapp_two_factor_setups_total", "step" => "started").increment(1);
}

pub fn setup_completed() {
    metrics::counter!("webapp_two_factor_setups_total", "step" => "completed").increment(1);
}

/// The time one job of the hashing threads took (`work`: hash, verify or check_new).
pub fn hashing(work: &'static str, took: Duration) {
    metrics::histogram!("webapp_password_hash_seconds", "work" => work).record(took.as_secs_f64());
}
