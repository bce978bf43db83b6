//! Two-factor authentication with an authenticator app: the rules and types that the UI and the
//! server share. Crypto and storage live in `backend::`.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Microsoft Authenticator honours only SHA1, 6 digits and 30 seconds; so does every RFC 6238 app.
pub const CODE_DIGITS: usize = 6;
pub const STEP_SECS: i64 = 30;
/// A pending secret that no code confirmed is dropped after this long.
pub const PENDING_SECRET_SECS: i64 = 15 * 60;
pub const BACKUP_CODE_COUNT: usize = 10;

/// Accepts a code as apps show it ("123456", "123 456", "123-456") and returns its digits.
pub fn normalize_code(input: &str) -> Result<String, AppError> {
    let digits: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '\u{00a0}')).collect();
    if digits.is_empty() {
        return Err(AppError::CodeMissing);
    }
    if digits.chars().count() != CODE_DIGITS || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::CodeMalformed);
    }
    Ok(digits)
}

/// Splits a base32 key into groups of four, as it is easiest to read and type.
pub fn group_key(key: &str) -> String {
    key.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// An authenticator key as an app takes it (QR code, URI, grouped key): the pending one of a setup,
/// or the active one again for another smartphone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthenticatorKey {
    /// The account name the app shows (the user's email).
    pub account_name: String,
    pub issuer: String,
    /// The base32 secret in groups of four.
    pub key: String,
    /// The `otpauth://totp/...` URI that the QR code holds.
    pub uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// When a pending secret is dropped unless a code confirms it (Unix seconds); `None` for
    /// the active key shown again for another smartphone.
    pub expires_at: Option<i64>,
}

/// A texted code is on its way: where to (masked), when another may be asked for, and how long
/// this one lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SmsCodeSent {
    /// The number, all but its last three digits hidden: `•••• ••• 678`.
    pub to: String,
    /// Seconds until "Send again" may send another.
    pub resend_after_secs: i64,
    pub expires_in_secs: i64,
}

/// The ways a half-logged-in session may give its second factor: the code prompt offers them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecondFactorChoice {
    /// A code from the authenticator app.
    pub app: bool,
    /// A texted code: the number it goes to, masked (`•••• ••• 678`).
    pub sms_to: Option<String>,
    /// Whether a texted code for this session is live now (sent, not yet used or expired).
    pub sms_code_sent: bool,
    /// A passkey: offered first.
    #[serde(default)]
    pub passkey: bool,
}

/// Where an account stands with `--require-two-factor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum TwoFactorStanding {
    /// 2FA is on, or not required.
    Free,
    /// 2FA is required and not yet on: this many days (rounded up) to set it up.
    Grace { days_left: i64 },
    /// The grace period is over: nothing but the setup until 2FA is on.
    SetupRequired,
    /// Logged in with a temporary access code: nothing but a new setup, which replaces every
    /// old factor.
    SetupAgain,
}

/// Backup codes, in plain text: only ever in the response that made them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackupCodes {
    pub codes: Vec<String>,
    pub created_at: i64,
    /// The name of the downloadable file: `ISSUER-backup-codes-DATE.txt`.
    pub file_name: String,
    /// The file's opening lines, which a printed page starts with too: the site, the account,
    /// the date, and what the codes are for.
    pub heading: String,
}

/// The outcome of logging in with a backup code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackupCodeLogin {
    pub viewer: crate::account::Viewer,
    pub backup_codes_left: u32,
}

/// With this many backup codes left or fewer, the user is urged to make new ones.
pub const FEW_BACKUP_CODES: u32 = 3;

/// The state of 2FA for the Security section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// Unix seconds, when enabled.
    pub enabled_since: Option<i64>,
    pub backup_codes_left: u32,
    /// Whether the authenticator app is a method of the account.
    #[serde(default)]
    pub app: bool,
    /// The number texted codes go to, masked (`•••• ••• 678`), when SMS is a method.
    #[serde(default)]
    pub sms_to: Option<String>,
    /// How many passkeys the account has (Settings lists them).
    #[serde(default)]
    pub passkeys: u32,
}

/// `ISSUER-backup-codes-YYYY-MM-DD.txt`, with anything unsafe in a file name replaced.
pub fn backup_file_name(issuer: &str, date: &str) -> String {
    let issuer: String = issuer
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("{issuer}-backup-codes-{date}.txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_may_be_typed_with_a_space_or_a_hyphen() {
        for typed in ["123456", "123 456", "123-456", " 123 456 ", "123\u{a0}456"] {
            assert_eq!(normalize_code(typed).unwrap(), "123456", "{typed:?}");
        }
    }

    #[test]
    fn anything_else_gets_a_specific_message() {
        assert_eq!(normalize_code(""), Err(AppError::CodeMissing));
        assert_eq!(normalize_code("  "), Err(AppError::CodeMissing));
        for bad in ["12345", "1234567", "12345a", "１２３４５６", "123_456", "12 34 5"] {
            assert_eq!(normalize_code(bad), Err(AppError::CodeMalformed), "{bad:?}");
        }
    }

    #[test]
    fn the_backup_file_is_named_after_the_issuer_and_date() {
        assert_eq!(backup_file_name("WebApp", "2026-11-28"), "WebApp-backup-codes-2026-11-28.txt");
        assert_eq!(
            backup_file_name("Acme Mail/../x", "2026-11-28"),
            "Acme-Mail----x-backup-codes-2026-11-28.txt"
        );
    }

    #[test]
    fn keys_are_grouped_by_four() {
        assert_eq!(
            group_key("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH"),
            "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567 ABCD EFGH"
        );
        assert_eq!(group_key("ABCDEF"), "ABCD EF");
    }
}
