//! The login flows: sign up, log in, log out. Each takes the clock as a parameter.

use super::second_factor::{self, Proof};
use super::sessions::Session;
use super::{accounts, audit, passwords, sessions, throttle, two_factor, AppState};
use crate::security_events::SecurityEventKind;
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
/// login gets a fresh session id. With 2FA on, the new session is only password-verified: it
/// reaches nothing but the code prompt. Wrong email and wrong password are one error, so the
/// answer does not tell whether an account exists.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    previous_token: Option<&str>,
    ip: Option<&str>,
    now: i64,
) -> Result<StartedSession, AppError> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::InvalidCredentials);
    }
    let Ok(email) = normalize_email(email) else {
        return Err(AppError::InvalidCredentials);
    };
    // Counted by email, so that unknown and known addresses are throttled alike.
    let scopes = throttle::scopes(throttle::password_scope(&email), ip);
    throttle::begin_attempt(&state.db, &scopes, now).await?;
    let Some(account) = accounts::find_by_email(&state.db, &email).await? else {
        passwords::verify_against_nothing(password.to_owned()).await?;
        return Err(AppError::InvalidCredentials);
    };
    if !passwords::verify(password.to_owned(), account.password_hash).await? {
        tracing::info!(user_id = account.id, "login refused: wrong password");
        return Err(AppError::InvalidCredentials);
    }
    throttle::succeeded(&state.db, &scopes).await?;
    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let level = if two_factor::is_enabled(&state.db, account.id).await? {
        AuthLevel::PasswordVerified
    } else {
        audit::record(&state.db, account.id, SecurityEventKind::Login, ip, now).await?;
        AuthLevel::FullyAuthenticated
    };
    let token = sessions::start(&state.db, account.id, level, now).await?;
    tracing::info!(user_id = account.id, ?level, "password accepted");
    Ok(StartedSession { token, viewer: Viewer { email: account.email, level } })
}

/// The second step of a login with 2FA: a code from the app or a backup code turns the
/// password-verified session into a fully authenticated one, under a new session id. For a
/// backup code, also returns how many are left.
pub async fn complete_login(
    state: &AppState,
    session: &Session,
    proof: Proof<'_>,
    ip: Option<&str>,
    now: i64,
) -> Result<(StartedSession, Option<u32>), AppError> {
    if session.level != AuthLevel::PasswordVerified {
        return Err(AppError::AlreadyLoggedIn);
    }
    let backup_codes_left = second_factor::consume(state, session.user_id, proof, ip, now).await?;
    sessions::end_by_id(&state.db, &session.id).await?;
    let level = AuthLevel::FullyAuthenticated;
    let token = sessions::start(&state.db, session.user_id, level, now).await?;
    audit::record(&state.db, session.user_id, SecurityEventKind::Login, ip, now).await?;
    tracing::info!(user_id = session.user_id, "logged in with a second factor");
    let viewer = Viewer { email: session.email.clone(), level };
    Ok((StartedSession { token, viewer }, backup_codes_left))
}

pub async fn log_out(state: &AppState, token: Option<&str>) -> Result<(), AppError> {
    if let Some(token) = token {
        sessions::end(&state.db, token).await?;
    }
    Ok(())
}
