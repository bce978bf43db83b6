//! Plumbing between a server function and the HTTP request it serves: the app state, the
//! session cookie, the caller's session.

use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, COOKIE, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::sessions::{self, Session, ABSOLUTE_TIMEOUT_SECS};
use super::{unix_now, AppState, Settings};
use crate::account::AuthLevel;
use crate::error::AppError;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("request context", "AppState is not provided"))
}

fn cookie_name(settings: &Settings) -> &'static str {
    // `__Host-` makes the browser refuse the cookie unless it is Secure, host-only and Path=/.
    if settings.secure_cookies {
        "__Host-session"
    } else {
        "session"
    }
}

/// The session token the browser sent, if any.
pub fn session_token(settings: &Settings) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let name = cookie_name(settings);
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The caller's live session, if any.
pub async fn current_session(state: &AppState) -> Result<Option<Session>, AppError> {
    match session_token(&state.settings) {
        Some(token) => sessions::find(&state.db, &token, unix_now()).await,
        None => Ok(None),
    }
}

/// The caller's session when it is half logged in: password right, second factor pending.
pub async fn require_password_verified(state: &AppState) -> Result<Session, AppError> {
    match current_session(state).await? {
        Some(s) if s.level == AuthLevel::PasswordVerified => Ok(s),
        Some(_) => Err(AppError::AlreadyLoggedIn),
        None => Err(AppError::LoginRequired),
    }
}

/// The client's IP address, as the TCP connection shows it.
pub fn client_ip() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?;
    Some(info.0.ip().to_string())
}

/// The caller's session when it may use the WebApp: fully authenticated, not half logged in.
pub async fn require_fully_authenticated(state: &AppState) -> Result<Session, AppError> {
    match current_session(state).await? {
        Some(s) if s.level == AuthLevel::FullyAuthenticated => Ok(s),
        Some(_) => Err(AppError::SecondFactorRequired),
        None => Err(AppError::LoginRequired),
    }
}

fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        response.append_header(SET_COOKIE, value);
    }
}

pub fn set_session_cookie(settings: &Settings, token: &str) {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    set_cookie(format!(
        "{}={token}; Path=/; Max-Age={ABSOLUTE_TIMEOUT_SECS}; HttpOnly; SameSite=Strict{secure}",
        cookie_name(settings)
    ));
}

pub fn clear_session_cookie(settings: &Settings) {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    set_cookie(format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}",
        cookie_name(settings)
    ));
}

/// For answers that carry a secret, a QR code or backup codes: no cache may keep them.
pub fn forbid_caching() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Makes the answer a file download named `file_name` (ASCII, already sanitised).
pub fn attach_as(file_name: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")),
    ) {
        response.insert_header(CONTENT_DISPOSITION, value);
    }
}
