//! The administrators' server functions (`/api/admin/*`, see docs/api.md). Each refuses anyone
//! but an administrator with 2FA on who proved a second factor in the last 10 minutes
//! (`context::require_administrator`); `admin/confirm` is that proof. None of them makes or
//! unmakes an administrator, turns 2FA off, or edits the audit trail.

use leptos::server;

use crate::admin::{AdminAccountDetail, AdminAccountPage, GivenAccessCode};
use crate::error::AppError;

/// "Confirm it is you": a current code from the app, a texted code (`two-factor/sms/send`) or a
/// backup code makes this session's second factor fresh for 10 minutes. Administrators with
/// 2FA on only.
#[server(prefix = "/api", endpoint = "admin/confirm")]
pub async fn admin_confirm(code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::admin_console;
    let state = context::app_state()?;
    let session = context::require_administrator_to_confirm(&state).await?;
    admin_console::confirm_factor(&state, &session, &code, &context::caller(&state)).await?;
    context::back_or("/admin");
    Ok(())
}

/// A page (`page`, from 1) of the accounts whose email contains `search`, 25 a page, by email;
/// with `without_two_factor`, only those without any second factor.
#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn admin_accounts(
    search: Option<String>,
    page: Option<u32>,
    without_two_factor: Option<bool>,
) -> Result<AdminAccountPage, AppError> {
    use crate::api::context;
    use crate::backend::{account::admin_console, unix_now};
    let state = context::app_state()?;
    context::require_administrator(&state).await?;
    let (search, page) = (search.unwrap_or_default(), page.unwrap_or(1));
    admin_console::accounts(&state, &search, page, without_two_factor.unwrap_or(false), unix_now()).await
}

/// One account (`account`: its id from the list), its recent security activity and what
/// administrators did to it.
#[server(prefix = "/api", endpoint = "admin/account")]
pub async fn admin_account(account: i64) -> Result<AdminAccountDetail, AppError> {
    use crate::api::context;
    use crate::backend::{account::admin_console, unix_now};
    let state = context::app_state()?;
    context::require_administrator(&state).await?;
    admin_console::account(&state, account, unix_now()).await
}

/// Gives the account a temporary access code for a lost phone, valid `hours` (1 to 24), with a
/// `reason`: shown once, in this answer (a plain form's page shows it once); recorded, mailed.
#[server(prefix = "/api", endpoint = "admin/access-code")]
pub async fn admin_give_access_code(
    account: i64,
    reason: String,
    hours: u32,
) -> Result<GivenAccessCode, AppError> {
    use crate::api::context;
    use crate::backend::{account::admin_console, unix_now};
    let state = context::app_state()?;
    let session = context::require_administrator(&state).await?;
    context::forbid_caching();
    let given =
        admin_console::give_access_code(&state, &session, account, &reason, hours, unix_now()).await?;
    let shown = format!("{}\n{}", given.code, given.expires_at);
    context::show_once_on_plain_form(&state, &session, &format!("/admin/accounts/{account}"), &shown);
    Ok(given)
}

/// Logs the account out everywhere (sessions, remembered browsers, reset links), with a
/// `reason`; recorded, mailed. Answers how many sessions ended.
#[server(prefix = "/api", endpoint = "admin/end-sessions")]
pub async fn admin_end_sessions(account: i64, reason: String) -> Result<u64, AppError> {
    use crate::api::context;
    use crate::backend::account::{admin_actions::AdminAction, admin_console};
    use crate::backend::unix_now;
    let state = context::app_state()?;
    let session = context::require_administrator(&state).await?;
    let action = AdminAction::EndAllSessions;
    let ended = admin_console::act(&state, &session, action, account, &reason, unix_now()).await?;
    context::redirect_plain_form_noting(&format!("/admin/accounts/{account}"), "admin-sessions-ended");
    Ok(ended)
}

/// Logs the account out everywhere and holds every later login to a new 2FA setup, whose
/// completion replaces every old factor, with a `reason`; recorded, mailed.
#[server(prefix = "/api", endpoint = "admin/require-setup")]
pub async fn admin_require_setup(account: i64, reason: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::{admin_actions::AdminAction, admin_console};
    use crate::backend::unix_now;
    let state = context::app_state()?;
    let session = context::require_administrator(&state).await?;
    let action = AdminAction::RequireSetupAgain;
    admin_console::act(&state, &session, action, account, &reason, unix_now()).await?;
    context::redirect_plain_form_noting(&format!("/admin/accounts/{account}"), "admin-setup-required");
    Ok(())
}
