//! The admin pages' side of the server: who may use them, and what they read and do. An
//! administrator (made only on the command line) must have 2FA on, and must have proved a second
//! factor on this session in the last 10 minutes for anything here but that proof itself. What
//! they do goes through the same functions as the command line (`access_codes`,
//! `admin_actions`), recorded under their email.

use crate::admin::{
    AdminAccount, AdminAccountDetail, AdminAccountPage, GivenAccessCode, ACCOUNTS_PER_PAGE, FRESH_FACTOR_SECS,
};
use crate::backend::caller::Caller;
use crate::backend::ids::UserId;
use crate::backend::second_factor::{self, Entered};
use crate::backend::sessions::{Session, ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS};
use crate::backend::store::admin_accounts::{AccountFilter, LiveSince};
use crate::backend::store::{self, security_events};
use crate::backend::AppState;
use crate::error::AppError;

use super::access_codes;
use super::admin_actions::{self, Actor, AdminAction};

/// The longest search the account list takes: an email's longest.
const MAX_SEARCH_CHARS: usize = 254;
/// The last page the list goes to: past it, a search narrows better than paging.
const MAX_PAGE: u32 = 10_000;

/// An administrator with 2FA on, whether or not their factor is fresh: who may prove it.
pub async fn admit_to_confirm(state: &AppState, session: &Session) -> Result<(), AppError> {
    if !session.administrator {
        return Err(AppError::AdministratorsOnly);
    }
    // An administrator without 2FA is one stolen password from every account's help desk.
    if !second_factor::is_on(&state.db, session.user_id).await? {
        return Err(AppError::AdministratorWithoutTwoFactor);
    }
    Ok(())
}

/// An administrator with 2FA on who proved a second factor on this session in the last 10 minutes.
pub async fn admit(state: &AppState, session: &Session, now: i64) -> Result<(), AppError> {
    admit_to_confirm(state, session).await?;
    if !is_fresh(session.factor_checked_at, now) {
        return Err(AppError::FreshSecondFactorRequired);
    }
    Ok(())
}

/// Whether a factor proved at `checked_at` still counts at `now`.
pub fn is_fresh(checked_at: Option<i64>, now: i64) -> bool {
    checked_at.is_some_and(|at| at <= now && now - at < FRESH_FACTOR_SECS)
}

/// "Confirm it is you": a current code from the app, a texted code or a backup code, used up as
/// at login (once, counted in the guessing limits), makes this session's factor fresh.
pub async fn confirm_factor(
    state: &AppState,
    session: &Session,
    typed: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    admit_to_confirm(state, session).await?;
    second_factor::consume(state, session, Entered::guess(typed)?, caller).await?;
    store::sessions::mark_factor_checked(&state.db, &session.id, caller.now).await?;
    tracing::info!(user_id = %session.user_id, "administrator confirmed a second factor");
    Ok(())
}

fn live_since(now: i64) -> LiveSince {
    LiveSince { idle_after: now - IDLE_TIMEOUT_SECS, started_after: now - ABSOLUTE_TIMEOUT_SECS }
}

/// A page (from 1) of the accounts whose email contains `search`, by email; with
/// `without_two_factor`, only those without any second factor.
pub async fn accounts(
    state: &AppState,
    search: &str,
    page: u32,
    without_two_factor: bool,
    now: i64,
) -> Result<AdminAccountPage, AppError> {
    let search = search.trim().to_lowercase();
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::bad_request(format!("search: at most {MAX_SEARCH_CHARS} characters")));
    }
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(AppError::bad_request(format!("page: from 1 to {MAX_PAGE}")));
    }
    let per_page = i64::from(ACCOUNTS_PER_PAGE);
    let filter = AccountFilter {
        email_contains: &search,
        without_two_factor,
        // One more than a page: whether there is a next one.
        limit: per_page + 1,
        offset: i64::from(page - 1) * per_page,
    };
    let mut accounts = store::admin_accounts::page(&state.db, &filter, &live_since(now)).await?;
    let more = accounts.len() as i64 > per_page;
    accounts.truncate(ACCOUNTS_PER_PAGE as usize);
    Ok(AdminAccountPage { accounts, page, more })
}

async fn find(state: &AppState, id: i64, now: i64) -> Result<AdminAccount, AppError> {
    store::admin_accounts::one(&state.db, UserId(id), &live_since(now)).await?.ok_or(AppError::NotFound)
}

/// An account with its recent security activity and what administrators did to it.
pub async fn account(state: &AppState, id: i64, now: i64) -> Result<AdminAccountDetail, AppError> {
    let account = find(state, id, now).await?;
    let user_id = UserId(id);
    let events = security_events::recent(&state.db, user_id).await?;
    let actions = store::admin_actions::of_account(&state.db, user_id).await?;
    let setup_required = store::access_codes::is_setup_required(&state.db, user_id).await?;
    Ok(AdminAccountDetail { account, setup_required, events, actions })
}

fn actor(session: &Session) -> Actor<'_> {
    Actor::Administrator { id: session.user_id, email: &session.email }
}

/// Gives the account a temporary access code (see `access_codes::give`), as this administrator.
pub async fn give_access_code(
    state: &AppState,
    admin: &Session,
    id: i64,
    reason: &str,
    hours: u32,
    now: i64,
) -> Result<GivenAccessCode, AppError> {
    let account = find(state, id, now).await?;
    let given = access_codes::give(state, &account.email, reason, hours, actor(admin), now).await?;
    Ok(GivenAccessCode { code: given.code, expires_at: given.expires_at })
}

/// Ends every session of the account, or sends it back to the 2FA setup, as this administrator.
/// Answers how many sessions ended.
pub async fn act(
    state: &AppState,
    admin: &Session,
    action: AdminAction,
    id: i64,
    reason: &str,
    now: i64,
) -> Result<u64, AppError> {
    let account = find(state, id, now).await?;
    admin_actions::perform(state, action, &account.email, reason, actor(admin), now).await
}

#[cfg(test)]
mod tests {
    use super::is_fresh;

    #[test]
    fn a_factor_is_fresh_for_ten_minutes_and_never_from_the_future() {
        assert!(!is_fresh(None, 1_000));
        assert!(is_fresh(Some(1_000), 1_000));
        assert!(is_fresh(Some(1_000), 1_000 + 599));
        assert!(!is_fresh(Some(1_000), 1_000 + 600));
        assert!(!is_fresh(Some(1_001), 1_000));
    }
}
