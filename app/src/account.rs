//! Account rules and the types the UI and the server share about who is logged in.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// ASVS 2.1.1: at least 12 characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// ASVS 2.1.2: passwords of up to 128 characters are accepted; longer ones are refused.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// A login still takes passwords set under the earlier limit of 1024 characters; it bounds the
/// work one login can cost the server (argon2 hashes the whole input).
pub const MAX_LOGIN_PASSWORD_CHARS: usize = 1024;
/// RFC 5321 limits a path to 256 octets, so an address has at most 254.
pub const MAX_EMAIL_CHARS: usize = 254;

/// How far a session has come through the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthLevel {
    Anonymous,
    /// The password was right and a second factor is still to come: such a session reaches
    /// nothing but the code prompt.
    PasswordVerified,
    FullyAuthenticated,
}

impl AuthLevel {
    pub fn reaches_webapp(self) -> bool {
        self == AuthLevel::FullyAuthenticated
    }
}

/// The person behind the current session, as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Viewer {
    pub email: String,
    pub level: AuthLevel,
    /// Whether the address was confirmed through the link mailed at sign-up.
    #[serde(default)]
    pub email_confirmed: bool,
}

/// A live session of the account, as "Active sessions" lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActiveSession {
    /// What `sessions/end` takes to end it.
    pub id: String,
    /// Browser and system, from its User-Agent ("Chrome 120 on Linux").
    pub browser: String,
    pub ip: Option<String>,
    /// Seconds since the Unix epoch.
    pub started_at: i64,
    pub last_seen_at: i64,
    /// The session asking.
    pub current: bool,
    /// Password given, code still to come.
    pub half_logged_in: bool,
}

/// A browser that skips the code prompt ("Remember this browser for 30 days").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RememberedBrowser {
    /// What `remembered/forget` takes to forget it.
    pub id: String,
    pub browser: String,
    pub ip: Option<String>,
    pub remembered_at: i64,
    pub expires_at: i64,
}

/// What closing an account deleted, row by row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClosedAccount {
    pub email: String,
    pub sessions: u64,
    pub two_factor_secrets: u64,
    pub backup_codes: u64,
    pub remembered_browsers: u64,
    pub security_events: u64,
    /// Mails still to go out to the address (the warnings queued before, and the one that says the
    /// account is closed): the address is kept in the queue until they have, and no longer.
    pub mails_waiting: u64,
    pub attempt_counters: u64,
}

/// What the password reset page shows about its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResetLinkInfo {
    pub email: String,
    /// Whether the reset also takes a code from the app or a backup code.
    pub two_factor: bool,
}

/// What Settings shows about the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountOverview {
    pub email: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// Trims and lower-cases an email address, or says why it is not one.
pub fn normalize_email(input: &str) -> Result<String, AppError> {
    let email = input.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        return Err(AppError::InvalidEmail);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(AppError::InvalidEmail);
    };
    // RFC 5322's dot-atom only: no quotes, commas, angle brackets or comments, which a mail
    // server would read as a second address, or refuse (and a refused mail waits for ever).
    let local_char = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    let domain_char = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
    let dot_atom = |part: &str| !part.starts_with('.') && !part.ends_with('.') && !part.contains("..");
    let well_formed = !local.is_empty()
        && local.chars().all(local_char)
        && dot_atom(local)
        && domain.contains('.')
        && domain.chars().all(domain_char)
        && dot_atom(domain)
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if well_formed {
        Ok(email)
    } else {
        Err(AppError::InvalidEmail)
    }
}

/// Length is the only composition rule (NIST SP 800-63B §5.1.1.2): counted in characters. The
/// server also refuses well-known passwords (`backend::passwords::check_new`).
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(AppError::PasswordTooShort { min: MIN_PASSWORD_CHARS })
    } else if chars > MAX_PASSWORD_CHARS {
        Err(AppError::PasswordTooLong { max: MAX_PASSWORD_CHARS })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ada@Example.ORG ").unwrap(), "ada@example.org");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a da@example.org",
            "ada@.org",
            "ada@example.",
            "ada@exa..mple.org",
            "ada@ex\u{0}.org",
            // What a mail server reads as other addresses or refuses.
            "a,b@example.org",
            "x<attacker@evil.example>@example.org",
            "\"ada\"@example.org",
            "ada(comment)@example.org",
            ".ada@example.org",
            "ada.@example.org",
            "ada@-example.org",
            "ada@example.org;bob@example.org",
        ] {
            assert_eq!(normalize_email(bad), Err(AppError::InvalidEmail), "{bad:?}");
        }
        for good in ["ada.lovelace+2fa@example.org", "o'brien@sub.example-domain.org", "jürgen@münchen.de"]
        {
            assert!(normalize_email(good).is_ok(), "{good:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(normalize_email(&long), Err(AppError::InvalidEmail));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(check_new_password("12345678901"), Err(AppError::PasswordTooShort { min: 12 }));
        assert!(check_new_password("123456789012").is_ok());
        // Twelve characters, twenty-four bytes.
        assert!(check_new_password("ééééééééééé").is_err());
        assert!(check_new_password("éééééééééééé").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_CHARS)).is_ok());
        assert_eq!(
            check_new_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)),
            Err(AppError::PasswordTooLong { max: MAX_PASSWORD_CHARS })
        );
    }

    #[test]
    fn only_a_fully_authenticated_session_reaches_the_webapp() {
        assert!(!AuthLevel::Anonymous.reaches_webapp());
        assert!(!AuthLevel::PasswordVerified.reaches_webapp());
        assert!(AuthLevel::FullyAuthenticated.reaches_webapp());
    }
}
