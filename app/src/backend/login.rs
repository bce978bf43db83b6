//! The login flows: sign up, log in, log out. Each takes the clock as a parameter.

use super::{accounts, passwords, sessions, AppState};
use crate::account::{check_new_password, normalize_email, AuthLevel, Viewer, MAX_PASSWORD_CHARS};
use crate::error::AppError;

/// A session just started: the token goes into the cookie, the viewer to the page.
pub struct StartedSession {
    pub token: String,
    pub viewer: Viewer,
}

/// Creates an account and logs it in, ending the caller's previous session if any.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&str>,
    now: i64,
) -> Result<StartedSession, AppError> {
    let email = normalize_email(email)?;
    check_new_password(password)?;
    let hash = passwords::hash(password.to_owned()).await?;
    let user_id = accounts::insert(&state.db, &email, &hash, now).await?;
    tracing::info!(user_id, "account created");
    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let level = AuthLevel::FullyAuthenticated;
    let token = sessions::start(&state.db, user_id, level, now).await?;
    Ok(StartedSession { token, viewer: Viewer { email, level } })
}

/// Checks email and password and starts a new session; the previous one, if any, ends, so every
/// login gets a fresh session id. Wrong email and wrong password are one error, so the answer
/// does not tell whether an account exists.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&str>,
    now: i64,
) -> Result<StartedSession, AppError> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::InvalidCredentials);
    }
    let Ok(email) = normalize_email(email) else {
        return Err(AppError::InvalidCredentials);
    };
    let Some(account) = accounts::find_by_email(&state.db, &email).await? else {
        passwords::verify_against_nothing(password.to_owned()).await?;
        return Err(AppError::InvalidCredentials);
    };
    if !passwords::verify(password.to_owned(), account.password_hash).await? {
        tracing::info!(user_id = account.id, "login refused: wrong password");
        return Err(AppError::InvalidCredentials);
    }
    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let level = AuthLevel::FullyAuthenticated;
    let token = sessions::start(&state.db, account.id, level, now).await?;
    tracing::info!(user_id = account.id, "logged in");
    Ok(StartedSession { token, viewer: Viewer { email: account.email, level } })
}

pub async fn log_out(state: &AppState, token: Option<&str>) -> Result<(), AppError> {
    if let Some(token) = token {
        sessions::end(&state.db, token).await?;
    }
    Ok(())
}
