//! The security mails an account's holder gets (ASVS 2.5.5, 2.8.5): what each one reports
//! (here), when it is queued (`notices`), its words in the account's language as text and HTML
//! (`letters`), and the queue that a sending worker of any instance empties (`outbox`; the
//! worker is the server's `mail` module). None carries a secret or a code; a link's token is in
//! its link mail only.

pub mod letters;
pub mod notices;
pub mod outbox;

/// Wrong codes (app or backup) within `REPEATED_WRONG_WINDOW_SECS` after which the holder is told.
pub const REPEATED_WRONG_CODES: i64 = 3;
pub const REPEATED_WRONG_WINDOW_SECS: i64 = 15 * 60;

/// What a mail reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    TwoFactorEnabled,
    TwoFactorDisabled,
    /// The active key was shown again, for another smartphone.
    AnotherPhoneAdded,
    /// A number for texted codes was set (added, or changed): `ending` is its last three digits,
    /// all the mail shows of it.
    PhoneNumberChanged {
        ending: u16,
    },
    /// The number for texted codes was removed; the app remains.
    PhoneNumberRemoved,
    /// The authenticator app was added beside texted codes.
    AuthenticatorAdded,
    /// A passkey was added (the first one turns 2FA on).
    PasskeyAdded,
    /// A passkey was removed.
    PasskeyRemoved,
    /// A passkey's signature counter went backwards: it may have been copied.
    PasskeyPossiblyCloned,
    /// The account was made an administrator, on the server's command line.
    AdministratorGranted,
    /// The account's administrator role was taken away.
    AdministratorRevoked,
    /// A temporary access code was given to the account, valid for `hours`.
    AccessCodeGiven {
        hours: u32,
    },
    /// The account logged in with a temporary access code, to set 2FA up again.
    AccessCodeUsed,
    /// An administrator logged out every session of the account.
    SessionsEndedByAdministrator,
    /// An administrator sent the account back to the 2FA setup.
    SetupRequiredByAdministrator,
    BackupCodesRegenerated,
    BackupCodeUsed {
        left: u32,
    },
    /// A correct code of a time step already used: someone else may have seen it.
    CodeReused,
    RepeatedWrongCodes,
    /// A completed login from a browser without the account's device cookie.
    NewBrowser,
    /// The password was set anew through a reset link.
    PasswordReset,
    /// The password was changed in Settings.
    PasswordChanged,
    /// The account was closed: everything kept with it is deleted.
    AccountClosed,
}

/// A mail whose purpose is a link: the one place a token may be in a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMail {
    ConfirmEmail,
    ResetPassword,
}
