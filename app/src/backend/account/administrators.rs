//! Administrators: made and unmade only from the server's command line (`server admin grant`,
//! `revoke`, `list`), never by a web request, so that no bug or stolen session in the WebApp can
//! make one. Each change is recorded in the account's activity and mailed to it.

use crate::account::normalize_email;
use crate::backend::caller::Caller;
use crate::backend::mail::{notices, Notice};
use crate::backend::store::{self, security_events};
use crate::backend::AppState;
use crate::error::AppError;
use crate::security_events::SecurityEventKind;

pub use crate::backend::store::administrators::AdministratorRow;

/// What a grant or revoke did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    Changed,
    /// The account already was (or, for a revoke, was not) an administrator.
    Unchanged,
}

/// Makes the account of `email` an administrator.
pub async fn grant(state: &AppState, email: &str, now: i64) -> Result<RoleChange, AppError> {
    change(state, email, now, true).await
}

/// Takes the administrator role from the account of `email`.
pub async fn revoke(state: &AppState, email: &str, now: i64) -> Result<RoleChange, AppError> {
    change(state, email, now, false).await
}

async fn change(state: &AppState, email: &str, now: i64, make: bool) -> Result<RoleChange, AppError> {
    let email = normalize_email(email)?;
    let account = store::users::find_by_email(&state.db, &email).await?.ok_or(AppError::NotFound)?;
    let caller = Caller::at(now);
    let mut tx = state.db.begin().await?;
    let changed = match make {
        true => store::administrators::insert(&mut *tx, account.id, now).await?,
        false => store::administrators::delete(&mut *tx, account.id).await?,
    };
    if !changed {
        return Ok(RoleChange::Unchanged);
    }
    let (kind, notice) = match make {
        true => (SecurityEventKind::AdministratorGranted, Notice::AdministratorGranted),
        false => (SecurityEventKind::AdministratorRevoked, Notice::AdministratorRevoked),
    };
    security_events::record(&mut *tx, account.id, kind, None, now).await?;
    notices::notify(&mut tx, &state.settings, account.id, notice, &caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %account.id, administrator = make, "administrator role changed on the command line");
    Ok(RoleChange::Changed)
}

/// The accounts that have not set up 2FA, with their standing under `--require-two-factor`
/// (the days left, or none when the grace period is over or there is no policy).
pub async fn without_two_factor(state: &AppState, now: i64) -> Result<Vec<(String, Option<i64>)>, AppError> {
    let accounts = store::administrators::accounts_without_two_factor(&state.db).await?;
    Ok(accounts
        .into_iter()
        .map(|(email, created_at)| {
            let left = state.settings.two_factor_policy.map(|policy| {
                let deadline = policy.since.max(created_at) + policy.grace_secs;
                (deadline - now).max(0)
            });
            (email, left)
        })
        .collect())
}

/// Every administrator, by email.
pub async fn list(state: &AppState) -> Result<Vec<AdministratorRow>, AppError> {
    store::administrators::all(&state.db).await
}
