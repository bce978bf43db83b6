//! Server functions: the WebApp's public API (see docs/api.md). Each is thin: it reads the
//! request context, calls one function of the domain layer and returns its result or error.

use leptos::server;

use crate::account::{AccountOverview, Viewer};
use crate::error::AppError;
use crate::text_codec::PlainText;
use crate::two_factor::{BackupCodes, PendingSetup, TwoFactorStatus};

/// Who is logged in on this session, if anyone. Open to every caller.
#[server(prefix = "/api", endpoint = "session")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::backend::context;
    let state = context::app_state()?;
    Ok(context::current_session(&state)
        .await?
        .map(|s| Viewer { email: s.email, level: s.level }))
}

#[server(prefix = "/api", endpoint = "signup")]
pub async fn sign_up(email: String, password: String) -> Result<Viewer, AppError> {
    use crate::backend::{context, login, unix_now};
    let state = context::app_state()?;
    let previous = context::session_token(&state.settings);
    let started = login::sign_up(&state, &email, &password, previous.as_deref(), unix_now()).await?;
    context::set_session_cookie(&state.settings, &started.token);
    Ok(started.viewer)
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn log_in(email: String, password: String) -> Result<Viewer, AppError> {
    use crate::backend::{context, login, unix_now};
    let state = context::app_state()?;
    let previous = context::session_token(&state.settings);
    let started = login::log_in(&state, &email, &password, previous.as_deref(), unix_now()).await?;
    context::set_session_cookie(&state.settings, &started.token);
    Ok(started.viewer)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::backend::{context, login};
    let state = context::app_state()?;
    let token = context::session_token(&state.settings);
    login::log_out(&state, token.as_deref()).await?;
    context::clear_session_cookie(&state.settings);
    Ok(())
}

/// The logged-in account's details. Fully authenticated sessions only.
#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    use crate::backend::{accounts, context};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    accounts::overview(&state.db, session.user_id).await
}

/// Whether 2FA is on, since when, and how many backup codes are left. Fully authenticated.
#[server(prefix = "/api", endpoint = "two-factor/status")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    use crate::backend::{context, two_factor};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    two_factor::status(&state.db, session.user_id).await
}

/// Setup step 1: re-checks the password and issues the pending secret (the same one until it is
/// confirmed or expires after 15 minutes). Fully authenticated; refused while 2FA is on.
#[server(prefix = "/api", endpoint = "two-factor/begin")]
pub async fn begin_two_factor_setup(password: String) -> Result<PendingSetup, AppError> {
    use crate::backend::{context, two_factor, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    two_factor::begin_setup(&state, &session, &password, unix_now()).await
}

/// Setup step 2: a code from the app turns 2FA on and returns the ten backup codes, once.
#[server(prefix = "/api", endpoint = "two-factor/confirm")]
pub async fn confirm_two_factor_setup(code: String) -> Result<BackupCodes, AppError> {
    use crate::backend::{context, two_factor, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    two_factor::confirm_setup(&state, &session, &code, unix_now()).await
}

/// The backup codes just made, as a text file: for the same session, within 10 minutes.
#[server(prefix = "/api", endpoint = "two-factor/backup-codes", output = PlainText)]
pub async fn download_backup_codes() -> Result<String, AppError> {
    use crate::backend::{context, two_factor, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    let file = two_factor::backup_code_file(&state, &session, unix_now()).await?;
    context::attach_as(&file.file_name);
    Ok(file.text)
}
