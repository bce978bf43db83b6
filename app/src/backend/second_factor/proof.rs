//! What a person enters where the second factor is asked, parsed once into the typed proof the
//! methods take, and whose factor it is checked for.

use crate::backend::crypto::backup_codes;
use crate::backend::ids::{AuthEpoch, SessionId, UserId};
use crate::backend::sessions::Session;
use crate::error::AppError;
use crate::two_factor::normalize_code;

/// Whose second factor is checked: the account, the authentication epoch its guessing limits
/// are counted under, and the session asking, when there is one (a texted code belongs to the
/// session it was sent to).
#[derive(Debug, Clone)]
pub struct Holder {
    pub user_id: UserId,
    pub epoch: AuthEpoch,
    pub session: Option<SessionId>,
}

impl From<&Session> for Holder {
    fn from(session: &Session) -> Self {
        Holder { user_id: session.user_id, epoch: session.epoch, session: Some(session.id.clone()) }
    }
}

/// What was typed, and which kind the form asked for.
#[derive(Clone, Copy)]
pub enum Entered<'a> {
    AppCode(&'a str),
    /// A code texted to the session (for an account with both the app and SMS).
    SmsCode(&'a str),
    BackupCode(&'a str),
    /// A passkey's answer (`JSON.stringify` of the browser's credential) to the session's
    /// challenge (the token `begin` gave).
    Passkey {
        challenge: &'a str,
        credential: &'a str,
    },
}

impl<'a> Entered<'a> {
    /// A 6-digit code is an app code; anything else is taken for a backup code. Nothing at all
    /// is a missing code.
    pub fn guess(typed: &'a str) -> Result<Self, AppError> {
        match normalize_code(typed) {
            Ok(_) => Ok(Entered::AppCode(typed)),
            Err(AppError::CodeMissing) => Err(AppError::CodeMissing),
            Err(_) => Ok(Entered::BackupCode(typed)),
        }
    }
}

/// A second factor in the only form the methods take: parsed, so a method never sees a string
/// that is not one of its own.
#[derive(Debug)]
pub enum Proof {
    AppCode(AppCode),
    SmsCode(AppCode),
    BackupCode(BackupCode),
    Passkey { challenge: String, credential: Box<webauthn_rs::prelude::PublicKeyCredential> },
}

impl Proof {
    pub fn parse(entered: Entered<'_>) -> Result<Self, AppError> {
        match entered {
            Entered::AppCode(typed) => Ok(Proof::AppCode(AppCode(normalize_code(typed)?))),
            Entered::SmsCode(typed) => Ok(Proof::SmsCode(AppCode(normalize_code(typed)?))),
            Entered::BackupCode(typed) => backup_codes::normalize(typed)
                .map(|canonical| Proof::BackupCode(BackupCode(canonical)))
                .ok_or(AppError::BackupCodeMalformed),
            Entered::Passkey { challenge, credential } => Ok(Proof::Passkey {
                challenge: challenge.to_owned(),
                credential: Box::new(
                    serde_json::from_str(credential)
                        .map_err(|e| AppError::bad_request(format!("credential: {e}")))?,
                ),
            }),
        }
    }
}

/// Six digits from an authenticator app, spaces and dashes taken out. Its `Debug` shows nothing
/// of it, as for every secret here.
#[derive(Clone, PartialEq, Eq)]
pub struct AppCode(String);

impl AppCode {
    pub fn parse(typed: &str) -> Result<Self, AppError> {
        normalize_code(typed).map(AppCode)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A backup code in its canonical form (ten alphabet characters, no separator), as its hash
/// was made.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(String);

impl BackupCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AppCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppCode(..)")
    }
}

impl std::fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupCode(..)")
    }
}
