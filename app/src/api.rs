//! Server functions: the WebApp's public API (see docs/api.md). Each is thin: it reads the
//! request context, calls one function of the domain layer and returns its result or error.

use leptos::prelude::*;
use leptos::server;

use crate::account::{AccountOverview, Viewer};
use crate::error::AppError;

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
pub async fn account_overview() -> Result<AccountOverview, AppError> {
    use crate::backend::{accounts, context};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    accounts::overview(&state.db, session.user_id).await
}
