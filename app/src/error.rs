//! The one error type of the WebApp, shared by server functions and the UI.
//!
//! Every variant is something the user can act on, except `Internal`, whose cause is logged on
//! the server and never sent to the browser.

use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::{fill, Locale};

/// Longest framework detail (e.g. a deserialisation message) passed on to the client.
const MAX_DETAIL_CHARS: usize = 200;

// The words of each variant are in `locales/<language>/errors.json` (see `message`); `Display`
// is the English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    InvalidEmail,
    PasswordTooShort {
        min: usize,
    },
    PasswordTooLong {
        max: usize,
    },
    PasswordTooCommon,
    EmailTaken,
    InvalidCredentials,
    WrongPassword,
    LoginRequired,
    SecondFactorRequired,
    CodeMissing,
    CodeMalformed,
    WrongCode,
    BackupCodeMalformed,
    WrongBackupCode,
    TwoFactorOff,
    AlreadyLoggedIn,
    TwoFactorAlreadyOn,
    NoPendingSetup,
    BackupCodesUnavailable,
    LinkInvalid,
    EmailAlreadyConfirmed,
    EmailNotConfirmed,
    PhoneNumberMissing,
    PhoneNumberInvalid,
    PhoneNumberNotMobile,
    PhoneCountryNotServed {
        calling_code: u16,
    },
    SmsNumberRefused,
    SmsNotSent,
    OnlySecondFactor,
    PasskeysUnavailable,
    PasskeyRefused,
    PasskeyChallengeInvalid,
    PasskeyAlreadyRegistered,
    PasskeyPossiblyCloned,
    PasskeyNameInvalid,
    TwoFactorSetupRequired,
    TwoFactorRequiredByPolicy,
    AccessCodeInvalid,
    AdministratorsOnly,
    AdministratorWithoutTwoFactor,
    FreshSecondFactorRequired,
    NotFound,
    TooManyAttempts {
        retry_after_secs: i64,
    },
    CrossSiteRequest,
    BadRequest {
        detail: String,
    },
    ServerBusy {
        retry_after_secs: i64,
    },
    /// The database does not answer (stopped, restarting, unreachable): nothing was done, and the
    /// same request can be sent again once it is back.
    DatabaseUnavailable {
        retry_after_secs: i64,
    },
    Unreachable,
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
            | AppError::PhoneNumberMissing
            | AppError::PhoneNumberInvalid
            | AppError::PhoneNumberNotMobile
            | AppError::PhoneCountryNotServed { .. }
            | AppError::SmsNumberRefused
            | AppError::PasskeyRefused
            | AppError::PasskeyNameInvalid
            | AppError::BadRequest { .. } => 400,
            AppError::PasskeyChallengeInvalid => 410,
            AppError::TwoFactorSetupRequired => 403,
            AppError::TwoFactorRequiredByPolicy => 409,
            AppError::AccessCodeInvalid => 401,
            AppError::AdministratorsOnly
            | AppError::AdministratorWithoutTwoFactor
            | AppError::FreshSecondFactorRequired => 403,
            AppError::PasskeyAlreadyRegistered => 409,
            AppError::PasskeyPossiblyCloned => 403,
            // The server's configuration, not the request: like a state that does not fit.
            AppError::PasskeysUnavailable => 409,
            AppError::WrongCode | AppError::WrongPassword | AppError::WrongBackupCode => 401,
            AppError::TwoFactorAlreadyOn
            | AppError::TwoFactorOff
            | AppError::AlreadyLoggedIn
            | AppError::NoPendingSetup => 409,
            AppError::BackupCodesUnavailable | AppError::LinkInvalid => 410,
            AppError::EmailAlreadyConfirmed | AppError::OnlySecondFactor => 409,
            AppError::EmailNotConfirmed => 403,
            AppError::NotFound => 404,
            AppError::InvalidCredentials | AppError::LoginRequired => 401,
            AppError::SecondFactorRequired | AppError::CrossSiteRequest => 403,
            AppError::EmailTaken => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Unreachable
            | AppError::ServerBusy { .. }
            | AppError::DatabaseUnavailable { .. }
            | AppError::SmsNotSent => 503,
            AppError::Internal => 500,
        }
    }

    /// What the person reads, in their language. (`Display` is the English text, for logs.)
    pub fn message(&self, locale: Locale) -> String {
        match self {
            AppError::InvalidEmail => td_string!(locale, errors.invalid_email).to_string(),
            AppError::PasswordTooShort { min } => {
                fill(td_string!(locale, errors.password_too_short), &[("min", &min.to_string())])
            }
            AppError::PasswordTooLong { max } => {
                fill(td_string!(locale, errors.password_too_long), &[("max", &max.to_string())])
            }
            AppError::PasswordTooCommon => td_string!(locale, errors.password_too_common).to_string(),
            AppError::EmailTaken => td_string!(locale, errors.email_taken).to_string(),
            AppError::InvalidCredentials => td_string!(locale, errors.invalid_credentials).to_string(),
            AppError::WrongPassword => td_string!(locale, errors.wrong_password).to_string(),
            AppError::LoginRequired => td_string!(locale, errors.login_required).to_string(),
            AppError::SecondFactorRequired => td_string!(locale, errors.second_factor_required).to_string(),
            AppError::CodeMissing => td_string!(locale, errors.code_missing).to_string(),
            AppError::CodeMalformed => td_string!(locale, errors.code_malformed).to_string(),
            AppError::WrongCode => td_string!(locale, errors.wrong_code).to_string(),
            AppError::BackupCodeMalformed => td_string!(locale, errors.backup_code_malformed).to_string(),
            AppError::WrongBackupCode => td_string!(locale, errors.wrong_backup_code).to_string(),
            AppError::TwoFactorOff => td_string!(locale, errors.two_factor_off).to_string(),
            AppError::AlreadyLoggedIn => td_string!(locale, errors.already_logged_in).to_string(),
            AppError::TwoFactorAlreadyOn => td_string!(locale, errors.two_factor_already_on).to_string(),
            AppError::NoPendingSetup => td_string!(locale, errors.no_pending_setup).to_string(),
            AppError::BackupCodesUnavailable => {
                td_string!(locale, errors.backup_codes_unavailable).to_string()
            }
            AppError::LinkInvalid => td_string!(locale, errors.link_invalid).to_string(),
            AppError::EmailAlreadyConfirmed => td_string!(locale, errors.email_already_confirmed).to_string(),
            AppError::EmailNotConfirmed => td_string!(locale, errors.email_not_confirmed).to_string(),
            AppError::PhoneNumberMissing => td_string!(locale, errors.phone_number_missing).to_string(),
            AppError::PhoneNumberInvalid => td_string!(locale, errors.phone_number_invalid).to_string(),
            AppError::PhoneNumberNotMobile => td_string!(locale, errors.phone_number_not_mobile).to_string(),
            AppError::PhoneCountryNotServed { calling_code } => fill(
                td_string!(locale, errors.phone_country_not_served),
                &[("calling_code", &calling_code.to_string())],
            ),
            AppError::SmsNumberRefused => td_string!(locale, errors.sms_number_refused).to_string(),
            AppError::SmsNotSent => td_string!(locale, errors.sms_not_sent).to_string(),
            AppError::OnlySecondFactor => td_string!(locale, errors.only_second_factor).to_string(),
            AppError::PasskeysUnavailable => td_string!(locale, errors.passkeys_unavailable).to_string(),
            AppError::PasskeyRefused => td_string!(locale, errors.passkey_refused).to_string(),
            AppError::PasskeyChallengeInvalid => {
                td_string!(locale, errors.passkey_challenge_invalid).to_string()
            }
            AppError::PasskeyAlreadyRegistered => {
                td_string!(locale, errors.passkey_already_registered).to_string()
            }
            AppError::PasskeyPossiblyCloned => td_string!(locale, errors.passkey_possibly_cloned).to_string(),
            AppError::PasskeyNameInvalid => td_string!(locale, errors.passkey_name_invalid).to_string(),
            AppError::TwoFactorSetupRequired => {
                td_string!(locale, errors.two_factor_setup_required).to_string()
            }
            AppError::TwoFactorRequiredByPolicy => {
                td_string!(locale, errors.two_factor_required_by_policy).to_string()
            }
            AppError::AccessCodeInvalid => td_string!(locale, errors.access_code_invalid).to_string(),
            AppError::AdministratorsOnly => td_string!(locale, errors.administrators_only).to_string(),
            AppError::AdministratorWithoutTwoFactor => {
                td_string!(locale, errors.administrator_without_two_factor).to_string()
            }
            AppError::FreshSecondFactorRequired => {
                td_string!(locale, errors.fresh_second_factor_required).to_string()
            }
            AppError::NotFound => td_string!(locale, errors.not_found).to_string(),
            AppError::TooManyAttempts { retry_after_secs } => {
                let wait = wait_text(*retry_after_secs, locale);
                fill(td_string!(locale, errors.too_many_attempts), &[("wait", &wait)])
            }
            AppError::CrossSiteRequest => td_string!(locale, errors.cross_site_request).to_string(),
            AppError::BadRequest { detail } => {
                fill(td_string!(locale, errors.bad_request), &[("detail", detail)])
            }
            AppError::ServerBusy { .. } => td_string!(locale, errors.server_busy).to_string(),
            AppError::DatabaseUnavailable { .. } => {
                td_string!(locale, errors.database_unavailable).to_string()
            }
            AppError::Unreachable => td_string!(locale, errors.unreachable).to_string(),
            AppError::Internal => td_string!(locale, errors.internal).to_string(),
        }
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

/// A database failure: the database not being there is `DatabaseUnavailable`; anything else is
/// logged with its cause and shown as the generic error. Lets the store's functions use `?`.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(cause: sqlx::Error) -> Self {
        if database_unreachable(&cause) {
            tracing::warn!(error = %cause, "the database cannot be reached");
            return AppError::DatabaseUnavailable { retry_after_secs: DATABASE_RETRY_SECS };
        }
        AppError::internal("database", cause)
    }
}

/// When a client should try again after `DatabaseUnavailable`: a restarted PostgreSQL takes a
/// few seconds.
#[cfg(feature = "ssr")]
const DATABASE_RETRY_SECS: i64 = 5;

/// Whether `cause` is the database not being there (no connection, a connection cut, a server
/// shutting down or starting up) rather than a statement that failed: the first is a 503 that the
/// same request survives, the second a bug, logged, and a 500.
#[cfg(feature = "ssr")]
fn database_unreachable(cause: &sqlx::Error) -> bool {
    match cause {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's SQLSTATE: class 08 (connection exception), admin_shutdown, crash_shutdown,
        // cannot_connect_now, too_many_connections.
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// The English text, the same words `message` gives in English (for logs, and the API's default).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::en))
    }
}

/// The wait in whole minutes, rounded up: never "0 minutes".
fn wait_text(secs: i64, locale: Locale) -> String {
    crate::i18n::minutes((secs.max(1) + 59) / 60, locale)
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
    fn the_wait_is_said_in_whole_minutes_in_dutch_too() {
        let message = |secs| AppError::TooManyAttempts { retry_after_secs: secs }.message(Locale::nl);
        assert_eq!(message(29), "Te veel pogingen. Probeer het over 1 minuut opnieuw.");
        assert_eq!(message(61), "Te veel pogingen. Probeer het over 2 minuten opnieuw.");
    }

    /// One of each variant.
    fn every_variant() -> Vec<AppError> {
        vec![
            AppError::InvalidEmail,
            AppError::PasswordTooShort { min: 10 },
            AppError::PasswordTooLong { max: 128 },
            AppError::PasswordTooCommon,
            AppError::EmailTaken,
            AppError::InvalidCredentials,
            AppError::WrongPassword,
            AppError::LoginRequired,
            AppError::SecondFactorRequired,
            AppError::CodeMissing,
            AppError::CodeMalformed,
            AppError::WrongCode,
            AppError::BackupCodeMalformed,
            AppError::WrongBackupCode,
            AppError::TwoFactorOff,
            AppError::AlreadyLoggedIn,
            AppError::TwoFactorAlreadyOn,
            AppError::NoPendingSetup,
            AppError::BackupCodesUnavailable,
            AppError::LinkInvalid,
            AppError::EmailAlreadyConfirmed,
            AppError::EmailNotConfirmed,
            AppError::PhoneNumberMissing,
            AppError::PhoneNumberInvalid,
            AppError::PhoneNumberNotMobile,
            AppError::PhoneCountryNotServed { calling_code: 44 },
            AppError::SmsNumberRefused,
            AppError::SmsNotSent,
            AppError::OnlySecondFactor,
            AppError::PasskeysUnavailable,
            AppError::PasskeyRefused,
            AppError::PasskeyChallengeInvalid,
            AppError::PasskeyAlreadyRegistered,
            AppError::PasskeyPossiblyCloned,
            AppError::PasskeyNameInvalid,
            AppError::TwoFactorSetupRequired,
            AppError::TwoFactorRequiredByPolicy,
            AppError::AccessCodeInvalid,
            AppError::AdministratorsOnly,
            AppError::AdministratorWithoutTwoFactor,
            AppError::FreshSecondFactorRequired,
            AppError::NotFound,
            AppError::TooManyAttempts { retry_after_secs: 90 },
            AppError::CrossSiteRequest,
            AppError::bad_request("missing field `email`"),
            AppError::ServerBusy { retry_after_secs: 1 },
            AppError::DatabaseUnavailable { retry_after_secs: 5 },
            AppError::Unreachable,
            AppError::Internal,
        ]
    }

    #[test]
    fn every_error_has_its_own_dutch_message_and_display_is_the_english_one() {
        for err in every_variant() {
            let (en, nl) = (err.message(Locale::en), err.message(Locale::nl));
            assert_eq!(err.to_string(), en);
            assert!(!nl.trim().is_empty(), "{err:?}");
            assert_ne!(nl, en, "{err:?} has no Dutch message");
        }
        assert_eq!(
            AppError::PasswordTooShort { min: 10 }.message(Locale::nl),
            "Gebruik een wachtwoord van minstens 10 tekens."
        );
        assert_eq!(
            AppError::PasswordTooShort { min: 10 }.to_string(),
            "Use a password of at least 10 characters."
        );
        assert_eq!(
            AppError::bad_request("missing field `email`").message(Locale::nl),
            "Dit verzoek is niet geldig: missing field `email`"
        );
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
