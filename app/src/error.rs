//! The one error type of the WebApp, shared by server functions and the UI.
//!
//! Every variant is something the user can act on, except `Internal`, whose cause is logged on
//! the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What `Unreachable` and `Internal` say; the island's calls (ui/calls.rs) say it too.
pub const UNREACHABLE_MESSAGE: &str = "The server could not be reached. Check your connection and try again.";
pub const INTERNAL_MESSAGE: &str = "Something went wrong on our side. Please try again.";

/// Longest framework detail (e.g. a deserialisation message) passed on to the client.
const MAX_DETAIL_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    #[error("Enter a valid email address, like name@example.com.")]
    InvalidEmail,
    #[error("Use a password of at least {min} characters.")]
    PasswordTooShort { min: usize },
    #[error("Use a password of at most {max} characters.")]
    PasswordTooLong { max: usize },
    #[error("This password is too common or too easy to guess. Choose a longer one, for example a few unrelated words.")]
    PasswordTooCommon,
    #[error("An account with this email address already exists. Log in instead.")]
    EmailTaken,
    #[error("Incorrect email or password.")]
    InvalidCredentials,
    #[error("Incorrect password.")]
    WrongPassword,
    #[error("You are not logged in. Log in to continue.")]
    LoginRequired,
    #[error("Enter the code from your authenticator app to finish logging in.")]
    SecondFactorRequired,
    #[error("Enter the 6-digit code shown in your authenticator app.")]
    CodeMissing,
    #[error("A code has exactly 6 digits, like 123 456. Enter the code shown in your authenticator app.")]
    CodeMalformed,
    #[error("That code is not right, or was already used. Check that your phone sets its date and time automatically, then enter the code shown now.")]
    WrongCode,
    #[error("A backup code has 10 letters and digits, like abcde-12345.")]
    BackupCodeMalformed,
    #[error("That backup code is not right, or was already used.")]
    WrongBackupCode,
    #[error("Two-factor authentication is off for this account.")]
    TwoFactorOff,
    #[error("You are already logged in.")]
    AlreadyLoggedIn,
    #[error("Two-factor authentication is already on for this account.")]
    TwoFactorAlreadyOn,
    #[error("Start the setup again: there is no pending key, or it expired.")]
    NoPendingSetup,
    #[error("The backup codes can no longer be downloaded. They are downloadable only right after they were made, from the same session.")]
    BackupCodesUnavailable,
    #[error("This link has expired or was already used. Ask for a new one.")]
    LinkInvalid,
    #[error("Your email address is already confirmed.")]
    EmailAlreadyConfirmed,
    #[error("That session or browser is no longer listed: it has already ended or been forgotten.")]
    NotFound,
    #[error("Too many attempts. Try again in {}.", wait_text(*retry_after_secs))]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("This request came from another site and was refused.")]
    CrossSiteRequest,
    #[error("This request is not valid: {detail}")]
    BadRequest { detail: String },
    #[error("The server is busy. Try again in a moment.")]
    ServerBusy { retry_after_secs: i64 },
    #[error("{}", UNREACHABLE_MESSAGE)]
    Unreachable,
    #[error("{}", INTERNAL_MESSAGE)]
    Internal,
}

impl AppError {
    /// The HTTP status that carries this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::InvalidEmail
            | AppError::PasswordTooShort { .. }
            | AppError::PasswordTooLong { .. }
            | AppError::PasswordTooCommon
            | AppError::CodeMissing
            | AppError::CodeMalformed
            | AppError::BackupCodeMalformed
            | AppError::BadRequest { .. } => 400,
            AppError::WrongCode | AppError::WrongPassword | AppError::WrongBackupCode => 401,
            AppError::TwoFactorAlreadyOn
            | AppError::TwoFactorOff
            | AppError::AlreadyLoggedIn
            | AppError::NoPendingSetup => 409,
            AppError::BackupCodesUnavailable | AppError::LinkInvalid => 410,
            AppError::EmailAlreadyConfirmed => 409,
            AppError::NotFound => 404,
            AppError::InvalidCredentials | AppError::LoginRequired => 401,
            AppError::SecondFactorRequired | AppError::CrossSiteRequest => 403,
            AppError::EmailTaken => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Unreachable | AppError::ServerBusy { .. } => 503,
            AppError::Internal => 500,
        }
    }

    /// What the person reads, in their language. (`Display` is the English text, for logs.)
    pub fn message(&self, locale: crate::i18n::Locale) -> String {
        let _ = locale;
        self.to_string()
    }

    pub fn bad_request(detail: impl AsRef<str>) -> Self {
        let detail: String = detail.as_ref().chars().take(MAX_DETAIL_CHARS).collect();
        AppError::BadRequest { detail }
    }

    /// Logs an unexpected failure and returns the generic error the user sees.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "{context}");
        AppError::Internal
    }
}

/// A database failure: logged with its cause, shown as the generic error. Lets the store's
/// functions use `?`.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(cause: sqlx::Error) -> Self {
        AppError::internal("database", cause)
    }
}

/// The wait in whole minutes, rounded up: never "0 minutes".
fn wait_text(secs: i64) -> String {
    match (secs.max(1) + 59) / 60 {
        1 => "1 minute".to_owned(),
        minutes => format!("{minutes} minutes"),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => AppError::bad_request(detail),
            ServerFnErrorErr::UnsupportedRequestMethod(method) => {
                AppError::bad_request(format!("method {method} is not supported here"))
            }
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Response(_) => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_json_with_their_fields() {
        let err = AppError::PasswordTooShort { min: 10 };
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(json, r#"{"error":"password_too_short","min":10}"#);
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
    }

    #[test]
    fn a_message_field_added_for_api_clients_is_ignored_when_decoding() {
        let json = r#"{"error":"invalid_credentials","message":"Incorrect email or password."}"#;
        assert_eq!(serde_json::from_str::<AppError>(json).unwrap(), AppError::InvalidCredentials);
    }

    #[test]
    fn malformed_arguments_are_a_client_error_with_a_bounded_detail() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".repeat(10_000)));
        assert_eq!(err.status_code(), 400);
        match err {
            AppError::BadRequest { detail } => assert_eq!(detail.len(), MAX_DETAIL_CHARS),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_wait_is_said_in_whole_minutes() {
        let message = |secs| AppError::TooManyAttempts { retry_after_secs: secs }.to_string();
        assert_eq!(message(29), "Too many attempts. Try again in 1 minute.");
        assert_eq!(message(61), "Too many attempts. Try again in 2 minutes.");
        assert_eq!(message(3600), "Too many attempts. Try again in 60 minutes.");
    }

    #[test]
    fn internal_failures_show_no_detail() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "no such table: users at /srv/db.sqlite".into(),
        ));
        assert_eq!(err, AppError::Internal);
        assert!(!err.to_string().contains("users"));
    }
}
