//! The second factor: one module per method behind this one door, which the flows (login, a
//! reset, a change to the account) use and nothing else of this folder.
//!
//! - `authenticator`: a code from an authenticator app (RFC 6238 TOTP).
//! - `sms`: a code texted to the account's mobile number.
//! - `passkeys`: WebAuthn passkeys, unphishable; also a login of their own.
//! - `backup_codes`: ten single-use codes, made with the first method; the fallback of every
//!   method, not a method of its own.
//! - `changes`: new backup codes, the key again for another smartphone, turning 2FA off.
//! - `remembered`: "Remember this browser", a way past the code prompt, never past a change.
//! - `proof`: what a person enters, parsed once into the typed proof a method takes.
//!
//! A new method (a texted code, a passkey) is a module here and a variant of `Method`; the
//! compiler then points at every `match` below that must handle it.

pub mod authenticator;
pub mod backup_codes;
pub mod changes;
pub mod passkeys;
mod proof;
pub mod remembered;
pub mod sms;

use sqlx::{AnyConnection, AnyPool};

pub use proof::{AppCode, BackupCode, Entered, Holder, Proof};

use crate::backend::caller::Caller;
use crate::backend::ids::UserId;
use crate::backend::run_to_end::run_to_end;
use crate::backend::sessions::Session;
use crate::backend::store;
use crate::backend::{telemetry, AppState};
use crate::error::AppError;
use crate::passkeys::PasskeyChallenge;
use crate::two_factor::{AuthenticatorKey, BackupCodes, SecondFactorChoice, SmsCodeSent, TwoFactorStatus};

/// A second factor an account can turn on. Backup codes come with each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Authenticator,
    Sms,
    Passkey,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Authenticator, Method::Sms, Method::Passkey];
}

/// The methods the account has turned on.
pub async fn methods(db: &AnyPool, user_id: UserId) -> Result<Vec<Method>, AppError> {
    let mut on = Vec::new();
    for method in Method::ALL {
        let is_on = match method {
            Method::Authenticator => authenticator::is_on(db, user_id).await?,
            Method::Sms => sms::is_on(db, user_id).await?,
            Method::Passkey => passkeys::is_on(db, user_id).await?,
        };
        if is_on {
            on.push(method);
        }
    }
    Ok(on)
}

/// Whether the account has a second factor at all.
pub async fn is_on(db: &AnyPool, user_id: UserId) -> Result<bool, AppError> {
    Ok(!methods(db, user_id).await?.is_empty())
}

/// What the Security section shows: whether 2FA is on, since when, and how many backup codes
/// are left.
pub async fn status(state: &AppState, session: &Session) -> Result<TwoFactorStatus, AppError> {
    // A session an access code started sets 2FA up anew: the old factors count for nothing.
    if session.setup_only {
        return Ok(TwoFactorStatus {
            enabled: false,
            enabled_since: None,
            backup_codes_left: 0,
            app: false,
            sms_to: None,
            passkeys: 0,
        });
    }
    let (db, user_id) = (&state.db, session.user_id);
    let (app_since, backup_codes_left) = store::totp::status(db, user_id).await?;
    let sms_since = store::sms::number(db, user_id).await?.map(|number| number.created_at);
    let passkeys = passkeys::list(db, user_id).await?;
    let passkey_since = passkeys.iter().map(|passkey| passkey.created_at).min();
    // The first method turned on; the others, when added, are fallbacks.
    let enabled_since = app_since.into_iter().chain(sms_since).chain(passkey_since).min();
    Ok(TwoFactorStatus {
        enabled: enabled_since.is_some(),
        enabled_since,
        backup_codes_left: u32::try_from(backup_codes_left).unwrap_or_default(),
        app: app_since.is_some(),
        sms_to: sms::masked_number(state, user_id).await?,
        passkeys: u32::try_from(passkeys.len()).unwrap_or_default(),
    })
}

/// What the code prompt offers the half-logged-in `session`.
pub async fn choice(state: &AppState, session: &Session, now: i64) -> Result<SecondFactorChoice, AppError> {
    let sms_to = sms::masked_number(state, session.user_id).await?;
    let sms_code_sent = sms_to.is_some() && sms::has_live_code(&state.db, session, now).await?;
    Ok(SecondFactorChoice {
        app: authenticator::is_on(&state.db, session.user_id).await?,
        sms_to,
        sms_code_sent,
        passkey: passkeys::is_on(&state.db, session.user_id).await?,
    })
}

/// Removes every method of the account and its backup codes, in the transaction `tx` of the
/// change that turns 2FA off.
pub async fn remove_all(tx: &mut AnyConnection, user_id: UserId) -> Result<(), AppError> {
    for method in Method::ALL {
        match method {
            Method::Authenticator => authenticator::remove(tx, user_id).await?,
            Method::Sms => sms::remove(tx, user_id).await?,
            Method::Passkey => passkeys::remove_all(tx, user_id).await?,
        }
    }
    backup_codes::remove_all(tx, user_id).await
}

/// In the transaction that turns a new method on for a session an access code started: the old
/// factors (key, number, passkeys, backup codes) go, and the account's sessions are no longer
/// held to the setup. Nothing for any other session.
pub(crate) async fn replace_old_factors(tx: &mut AnyConnection, session: &Session) -> Result<(), AppError> {
    if !session.setup_only {
        return Ok(());
    }
    remove_all(&mut *tx, session.user_id).await?;
    store::access_codes::end_setup_only(&mut *tx, session.user_id).await
}

/// The first step of turning a method on, as its setup shows it.
pub enum EnrolmentStarted {
    Authenticator(AuthenticatorKey),
    Sms(SmsCodeSent),
    Passkey(PasskeyChallenge),
}

/// What a setup starts from: the method, with what it needs typed (a number for SMS).
#[derive(Debug, Clone, Copy)]
pub enum Enrolment<'a> {
    Authenticator,
    Sms {
        number: &'a str,
    },
    /// A passkey, first or further: with 2FA on, `proof` is a current second factor.
    Passkey {
        proof: &'a str,
    },
}

/// Only an account that proved its address may put a second factor in front of it: otherwise
/// whoever signed up with someone else's address could lock the owner out of taking it back
/// (a reset asks for the second factor).
fn require_confirmed_address(session: &Session) -> Result<(), AppError> {
    if session.email_confirmed {
        Ok(())
    } else {
        Err(AppError::EmailNotConfirmed)
    }
}

/// Step 1 of a setup: the password again, then what the method needs shown (the app's key, or
/// where the first code was texted).
pub async fn begin_enrolment(
    state: &AppState,
    session: &Session,
    enrolment: Enrolment<'_>,
    password: &str,
    caller: &Caller,
) -> Result<EnrolmentStarted, AppError> {
    require_confirmed_address(session)?;
    match enrolment {
        Enrolment::Authenticator => authenticator::begin_setup(state, session, password, caller)
            .await
            .map(EnrolmentStarted::Authenticator),
        Enrolment::Sms { number } => {
            sms::begin_setup(state, session, password, number, caller).await.map(EnrolmentStarted::Sms)
        }
        Enrolment::Passkey { proof } => passkeys::begin_adding(state, session, password, proof, caller)
            .await
            .map(EnrolmentStarted::Passkey),
    }
}

/// The last step of a setup: the method's first code turns it on, with ten backup codes.
pub async fn finish_enrolment(
    state: &AppState,
    session: &Session,
    method: Method,
    code: &str,
    caller: &Caller,
) -> Result<BackupCodes, AppError> {
    require_confirmed_address(session)?;
    // Checked to the end even if the browser goes away, so the guess counts as what it was.
    let (state, session, code, caller) = (state.clone(), session.clone(), code.to_owned(), caller.clone());
    run_to_end(async move {
        match method {
            Method::Authenticator => {
                authenticator::confirm_setup(&state, &session, &AppCode::parse(&code)?, &caller).await
            }
            Method::Sms => sms::confirm_setup(&state, &session, &AppCode::parse(&code)?, &caller).await,
            // The browser's answer, not a code, finishes it: `passkeys::finish_adding`.
            Method::Passkey => Err(AppError::bad_request("a passkey is added with passkeys/add/finish")),
        }
    })
    .await
}

/// Checks what the person entered for the holder's account and uses it up: a code's time step
/// or a backup code is accepted once. Every attempt counts against the guessing limits. For a
/// backup code, answers how many are left.
pub async fn consume(
    state: &AppState,
    holder: impl Into<Holder>,
    entered: Entered<'_>,
    caller: &Caller,
) -> Result<Option<u32>, AppError> {
    let holder = holder.into();
    let proof = Proof::parse(entered).inspect_err(|error| {
        let method = match entered {
            Entered::AppCode(_) => "app_code",
            Entered::SmsCode(_) => "sms_code",
            Entered::BackupCode(_) => "backup_code",
            Entered::Passkey { .. } => "passkey",
        };
        telemetry::second_factor::<()>(method, &Err(error.clone()));
    })?;
    // Checked to the end even if the browser goes away, so the guess counts as what it was.
    let (state, caller) = (state.clone(), caller.clone());
    run_to_end(async move { check(&state, holder, proof, &caller).await }).await
}

async fn check(
    state: &AppState,
    holder: Holder,
    proof: Proof,
    caller: &Caller,
) -> Result<Option<u32>, AppError> {
    match proof {
        // Six digits where no method was named: the app's code, or the texted one for an
        // account that has only SMS.
        Proof::AppCode(code)
            if !authenticator::is_on(&state.db, holder.user_id).await?
                && sms::is_on(&state.db, holder.user_id).await? =>
        {
            sms::consume_sms_code(state, &holder, &code, caller).await.map(|_| None)
        }
        Proof::AppCode(code) => {
            authenticator::consume_app_code(state, holder, &code, caller).await.map(|_| None)
        }
        Proof::SmsCode(code) => sms::consume_sms_code(state, &holder, &code, caller).await.map(|_| None),
        Proof::BackupCode(code) => {
            backup_codes::consume_backup_code(state, holder, &code, caller).await.map(Some)
        }
        Proof::Passkey { challenge, credential } => {
            passkeys::consume_assertion(state, &holder, &challenge, &credential, caller).await.map(|_| None)
        }
    }
}
