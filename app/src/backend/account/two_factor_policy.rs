//! `--require-two-factor`: every account must turn 2FA on. An account without it gets a grace
//! period (counted from its sign-up, or from the day the policy began, whichever is later), in
//! which a banner says how many days are left; after it, the account reaches nothing but the
//! setup until 2FA is on. While the policy holds, 2FA cannot be turned off (a method can be
//! replaced instead).

use sqlx::AnyPool;

use crate::backend::ids::UserId;
use crate::backend::second_factor;
use crate::backend::state::{Settings, TwoFactorPolicy};
use crate::backend::store;
use crate::error::AppError;
use crate::two_factor::TwoFactorStanding;

/// The policy's name in the `policies` table.
const NAME: &str = "require_two_factor";
const DAY_SECS: i64 = 24 * 60 * 60;

/// At start: the policy as configured, with since when it holds (kept across restarts and shared
/// by every instance); without `--require-two-factor`, its record is ended.
pub async fn at_start(
    db: &AnyPool,
    required: bool,
    grace_days: u32,
    now: i64,
) -> Result<Option<TwoFactorPolicy>, AppError> {
    if !required {
        store::policies::end(db, NAME).await?;
        return Ok(None);
    }
    let since = store::policies::begin(db, NAME, now).await?;
    Ok(Some(TwoFactorPolicy { since, grace_secs: i64::from(grace_days) * DAY_SECS }))
}

/// The policy as the serving instances hold it, unchanged: for a command (`server admin …`),
/// which must neither begin nor end it.
pub async fn in_force(db: &AnyPool, grace_days: u32) -> Result<Option<TwoFactorPolicy>, AppError> {
    let since = store::policies::since(db, NAME).await?;
    Ok(since.map(|since| TwoFactorPolicy { since, grace_secs: i64::from(grace_days) * DAY_SECS }))
}

/// Where the session stands at `now`: held to a new setup when an access code started it, else
/// as the policy has it.
pub async fn standing_of(
    db: &AnyPool,
    settings: &Settings,
    session: &crate::backend::sessions::Session,
    now: i64,
) -> Result<TwoFactorStanding, AppError> {
    if session.setup_only {
        return Ok(TwoFactorStanding::SetupAgain);
    }
    standing(db, settings, session.user_id, session.account_created_at, now).await
}

/// Where the account stands with the policy at `now`.
pub async fn standing(
    db: &AnyPool,
    settings: &Settings,
    user_id: UserId,
    account_created_at: i64,
    now: i64,
) -> Result<TwoFactorStanding, AppError> {
    let Some(policy) = settings.two_factor_policy else {
        return Ok(TwoFactorStanding::Free);
    };
    if second_factor::is_on(db, user_id).await? {
        return Ok(TwoFactorStanding::Free);
    }
    let deadline = policy.since.max(account_created_at) + policy.grace_secs;
    Ok(match deadline - now {
        left if left > 0 => TwoFactorStanding::Grace { days_left: (left + DAY_SECS - 1) / DAY_SECS },
        _ => TwoFactorStanding::SetupRequired,
    })
}
