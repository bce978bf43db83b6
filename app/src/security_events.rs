//! The account's security history, as Settings > Security lists it.

use leptos_i18n::td_string;
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecurityEventKind {
    Login,
    TwoFactorSetupStarted,
    TwoFactorEnabled,
    TwoFactorDisabled,
    BackupCodeUsed,
    BackupCodesRegenerated,
    AnotherPhoneAdded,
    WrongCode,
    CodeReused,
    WrongBackupCode,
    EmailConfirmed,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    SessionEnded,
    OtherSessionsEnded,
    BrowserRemembered,
    BrowserForgotten,
    PhoneNumberChanged,
    PhoneNumberRemoved,
    AuthenticatorAdded,
    PasskeyAdded,
    PasskeyRemoved,
    PasskeyPossiblyCloned,
    PasskeyRefused,
    AdministratorGranted,
    AdministratorRevoked,
    AccessCodeGiven,
    AccessCodeUsed,
    SessionsEndedByAdministrator,
    SetupRequiredByAdministrator,
    /// On the administrator's own account: they acted on another account from the admin pages.
    AdministratorActed,
}

impl SecurityEventKind {
    pub const ALL: [SecurityEventKind; 32] = [
        SecurityEventKind::Login,
        SecurityEventKind::TwoFactorSetupStarted,
        SecurityEventKind::TwoFactorEnabled,
        SecurityEventKind::TwoFactorDisabled,
        SecurityEventKind::BackupCodeUsed,
        SecurityEventKind::BackupCodesRegenerated,
        SecurityEventKind::AnotherPhoneAdded,
        SecurityEventKind::WrongCode,
        SecurityEventKind::CodeReused,
        SecurityEventKind::WrongBackupCode,
        SecurityEventKind::EmailConfirmed,
        SecurityEventKind::PasswordResetRequested,
        SecurityEventKind::PasswordReset,
        SecurityEventKind::PasswordChanged,
        SecurityEventKind::SessionEnded,
        SecurityEventKind::OtherSessionsEnded,
        SecurityEventKind::BrowserRemembered,
        SecurityEventKind::BrowserForgotten,
        SecurityEventKind::PhoneNumberChanged,
        SecurityEventKind::PhoneNumberRemoved,
        SecurityEventKind::AuthenticatorAdded,
        SecurityEventKind::PasskeyAdded,
        SecurityEventKind::PasskeyRemoved,
        SecurityEventKind::PasskeyPossiblyCloned,
        SecurityEventKind::PasskeyRefused,
        SecurityEventKind::AdministratorGranted,
        SecurityEventKind::AdministratorRevoked,
        SecurityEventKind::AccessCodeGiven,
        SecurityEventKind::AccessCodeUsed,
        SecurityEventKind::SessionsEndedByAdministrator,
        SecurityEventKind::SetupRequiredByAdministrator,
        SecurityEventKind::AdministratorActed,
    ];

    /// The stored name: the serde name, so the table reads like the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityEventKind::Login => "login",
            SecurityEventKind::TwoFactorSetupStarted => "two_factor_setup_started",
            SecurityEventKind::TwoFactorEnabled => "two_factor_enabled",
            SecurityEventKind::TwoFactorDisabled => "two_factor_disabled",
            SecurityEventKind::BackupCodeUsed => "backup_code_used",
            SecurityEventKind::BackupCodesRegenerated => "backup_codes_regenerated",
            SecurityEventKind::AnotherPhoneAdded => "another_phone_added",
            SecurityEventKind::WrongCode => "wrong_code",
            SecurityEventKind::CodeReused => "code_reused",
            SecurityEventKind::WrongBackupCode => "wrong_backup_code",
            SecurityEventKind::EmailConfirmed => "email_confirmed",
            SecurityEventKind::PasswordResetRequested => "password_reset_requested",
            SecurityEventKind::PasswordReset => "password_reset",
            SecurityEventKind::PasswordChanged => "password_changed",
            SecurityEventKind::SessionEnded => "session_ended",
            SecurityEventKind::OtherSessionsEnded => "other_sessions_ended",
            SecurityEventKind::BrowserRemembered => "browser_remembered",
            SecurityEventKind::BrowserForgotten => "browser_forgotten",
            SecurityEventKind::PhoneNumberChanged => "phone_number_changed",
            SecurityEventKind::PhoneNumberRemoved => "phone_number_removed",
            SecurityEventKind::AuthenticatorAdded => "authenticator_added",
            SecurityEventKind::PasskeyAdded => "passkey_added",
            SecurityEventKind::PasskeyRemoved => "passkey_removed",
            SecurityEventKind::PasskeyPossiblyCloned => "passkey_possibly_cloned",
            SecurityEventKind::PasskeyRefused => "passkey_refused",
            SecurityEventKind::AdministratorGranted => "administrator_granted",
            SecurityEventKind::AdministratorRevoked => "administrator_revoked",
            SecurityEventKind::AccessCodeGiven => "access_code_given",
            SecurityEventKind::AccessCodeUsed => "access_code_used",
            SecurityEventKind::SessionsEndedByAdministrator => "sessions_ended_by_administrator",
            SecurityEventKind::SetupRequiredByAdministrator => "setup_required_by_administrator",
            SecurityEventKind::AdministratorActed => "administrator_acted",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == stored)
    }

    /// What happened, in words, as the Security page's activity list shows it.
    pub fn description(self, locale: Locale) -> String {
        match self {
            SecurityEventKind::Login => td_string!(locale, settings.event_login),
            SecurityEventKind::TwoFactorSetupStarted => {
                td_string!(locale, settings.event_two_factor_setup_started)
            }
            SecurityEventKind::TwoFactorEnabled => td_string!(locale, settings.event_two_factor_enabled),
            SecurityEventKind::TwoFactorDisabled => td_string!(locale, settings.event_two_factor_disabled),
            SecurityEventKind::BackupCodeUsed => td_string!(locale, settings.event_backup_code_used),
            SecurityEventKind::BackupCodesRegenerated => {
                td_string!(locale, settings.event_backup_codes_regenerated)
            }
            SecurityEventKind::AnotherPhoneAdded => td_string!(locale, settings.event_another_phone_added),
            SecurityEventKind::WrongCode => td_string!(locale, settings.event_wrong_code),
            SecurityEventKind::CodeReused => td_string!(locale, settings.event_code_reused),
            SecurityEventKind::WrongBackupCode => td_string!(locale, settings.event_wrong_backup_code),
            SecurityEventKind::EmailConfirmed => td_string!(locale, settings.event_email_confirmed),
            SecurityEventKind::PasswordResetRequested => {
                td_string!(locale, settings.event_password_reset_requested)
            }
            SecurityEventKind::PasswordReset => td_string!(locale, settings.event_password_reset),
            SecurityEventKind::PasswordChanged => td_string!(locale, settings.event_password_changed),
            SecurityEventKind::SessionEnded => td_string!(locale, settings.event_session_ended),
            SecurityEventKind::OtherSessionsEnded => td_string!(locale, settings.event_other_sessions_ended),
            SecurityEventKind::BrowserRemembered => td_string!(locale, settings.event_browser_remembered),
            SecurityEventKind::BrowserForgotten => td_string!(locale, settings.event_browser_forgotten),
            SecurityEventKind::PhoneNumberChanged => td_string!(locale, settings.event_phone_number_changed),
            SecurityEventKind::PhoneNumberRemoved => td_string!(locale, settings.event_phone_number_removed),
            SecurityEventKind::AuthenticatorAdded => td_string!(locale, settings.event_authenticator_added),
            SecurityEventKind::PasskeyAdded => td_string!(locale, settings.event_passkey_added),
            SecurityEventKind::PasskeyRemoved => td_string!(locale, settings.event_passkey_removed),
            SecurityEventKind::PasskeyPossiblyCloned => {
                td_string!(locale, settings.event_passkey_possibly_cloned)
            }
            SecurityEventKind::PasskeyRefused => td_string!(locale, settings.event_passkey_refused),
            SecurityEventKind::AdministratorGranted => {
                td_string!(locale, settings.event_administrator_granted)
            }
            SecurityEventKind::AdministratorRevoked => {
                td_string!(locale, settings.event_administrator_revoked)
            }
            SecurityEventKind::AccessCodeGiven => td_string!(locale, settings.event_access_code_given),
            SecurityEventKind::AccessCodeUsed => td_string!(locale, settings.event_access_code_used),
            SecurityEventKind::SessionsEndedByAdministrator => {
                td_string!(locale, settings.event_sessions_ended_by_administrator)
            }
            SecurityEventKind::SetupRequiredByAdministrator => {
                td_string!(locale, settings.event_setup_required_by_administrator)
            }
            SecurityEventKind::AdministratorActed => td_string!(locale, settings.event_administrator_acted),
        }
        .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecurityEvent {
    pub kind: SecurityEventKind,
    /// Unix seconds.
    pub at: i64,
    pub ip: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip_and_match_the_api_names() {
        for kind in SecurityEventKind::ALL {
            assert_eq!(SecurityEventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn every_kind_is_described_in_both_languages() {
        assert_eq!(SecurityEventKind::Login.description(Locale::en), "New login");
        assert_eq!(SecurityEventKind::PasswordChanged.description(Locale::nl), "Wachtwoord gewijzigd");
        for kind in SecurityEventKind::ALL {
            let (en, nl) = (kind.description(Locale::en), kind.description(Locale::nl));
            assert!(!en.is_empty() && !nl.is_empty() && en != nl, "{kind:?}");
        }
    }
}
