//! The account's security history, as Settings > Security lists it.

use serde::{Deserialize, Serialize};

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
}

impl SecurityEventKind {
    pub const ALL: [SecurityEventKind; 18] = [
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
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == stored)
    }

    pub fn description(self) -> &'static str {
        match self {
            SecurityEventKind::Login => "New login",
            SecurityEventKind::TwoFactorSetupStarted => "Two-factor authentication setup started",
            SecurityEventKind::TwoFactorEnabled => "Two-factor authentication turned on",
            SecurityEventKind::TwoFactorDisabled => "Two-factor authentication turned off",
            SecurityEventKind::BackupCodeUsed => "Backup code used to log in",
            SecurityEventKind::BackupCodesRegenerated => "New backup codes made",
            SecurityEventKind::AnotherPhoneAdded => "Key shown again for another smartphone",
            SecurityEventKind::WrongCode => "Wrong code entered",
            SecurityEventKind::CodeReused => "Already used code refused",
            SecurityEventKind::WrongBackupCode => "Wrong backup code entered",
            SecurityEventKind::EmailConfirmed => "Email address confirmed",
            SecurityEventKind::PasswordResetRequested => "Password reset link sent",
            SecurityEventKind::PasswordReset => "Password reset",
            SecurityEventKind::PasswordChanged => "Password changed",
            SecurityEventKind::SessionEnded => "A session logged out from Settings",
            SecurityEventKind::OtherSessionsEnded => "All other sessions logged out",
            SecurityEventKind::BrowserRemembered => "Browser remembered for 30 days",
            SecurityEventKind::BrowserForgotten => "Remembered browser forgotten",
        }
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
}
