//! Passkeys (WebAuthn, through webauthn-rs): a second factor that a look-alike site cannot
//! phish (the browser binds it to this origin), and a login of its own, since a passkey that
//! verified its user (PIN, biometrics) is two factors in one.
//!
//! The relying party is `--public-url`: its host is the id every passkey is made for, its
//! origin the only one accepted. Each ceremony's state stays on the server
//! (`passkey_challenges`), found by the SHA-256 of a token the client sends back, used once,
//! bound to the session that began it, dead after five minutes. A credential id belongs to one
//! account (UNIQUE in `passkeys`); the signature counter and backup state are written after
//! every use, and a counter that goes backwards refuses the login and is recorded.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sqlx::{AnyConnection, AnyPool};
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

use super::backup_codes::FreshBackupCodes;
use super::proof::Holder;
use crate::backend::caller::Caller;
use crate::backend::ids::{LinkToken, UserId};
use crate::backend::mail::{notices, Notice};
use crate::backend::password_check::check_password;
use crate::backend::sessions::{self, Session};
use crate::backend::state::Settings;
use crate::backend::store::passkeys::{PasskeyRow, Purpose};
use crate::backend::store::{self, security_events};
use crate::backend::{telemetry, throttle, AppState};
use crate::error::AppError;
use crate::passkeys::{PasskeyChallenge, PasskeyInfo, MAX_NAME_CHARS};
use crate::security_events::SecurityEventKind;
use crate::two_factor::BackupCodes;

/// How long a ceremony may take, from its options to the browser's answer.
pub const CHALLENGE_SECS: i64 = 5 * 60;

/// The relying party of `settings.public_url`. Browsers refuse an IP address as a relying-party
/// id, so a WebApp served under one has no passkeys.
fn relying_party(settings: &Settings) -> Result<Webauthn, AppError> {
    let origin = Url::parse(&settings.public_url).map_err(|_| AppError::PasskeysUnavailable)?;
    let host = origin.domain().ok_or(AppError::PasskeysUnavailable)?.to_owned();
    WebauthnBuilder::new(&host, &origin)
        .and_then(|builder| {
            builder
                .rp_name(&settings.issuer)
                .timeout(std::time::Duration::from_secs(CHALLENGE_SECS as u64))
                .build()
        })
        .map_err(|error| {
            tracing::warn!(%error, "passkeys unavailable for this public URL");
            AppError::PasskeysUnavailable
        })
}

/// Whether passkeys can work here at all (the public URL names a domain).
pub fn available(settings: &Settings) -> bool {
    relying_party(settings).is_ok()
}

/// Whether the account has a passkey.
pub async fn is_on(db: &AnyPool, user_id: UserId) -> Result<bool, AppError> {
    Ok(store::passkeys::count(db, user_id).await? > 0)
}

/// The account's passkeys, as Settings lists them.
pub async fn list(db: &AnyPool, user_id: UserId) -> Result<Vec<PasskeyInfo>, AppError> {
    Ok(store::passkeys::of_account(db, user_id)
        .await?
        .into_iter()
        .map(|row| PasskeyInfo {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        })
        .collect())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::internal("passkey state", e))
}

fn from_stored<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, AppError> {
    serde_json::from_str(stored).map_err(|e| AppError::internal("passkey state", e))
}

fn options_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::internal("passkey options", e))
}

fn credential_id_text(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// The browser's answer to a registration, as `JSON.stringify` of the credential gives it.
fn parse_registration(credential: &str) -> Result<RegisterPublicKeyCredential, AppError> {
    serde_json::from_str(credential).map_err(|e| AppError::bad_request(format!("credential: {e}")))
}

/// The browser's answer to an authentication, as `JSON.stringify` of the credential gives it.
fn parse_assertion(credential: &str) -> Result<PublicKeyCredential, AppError> {
    serde_json::from_str(credential).map_err(|e| AppError::bad_request(format!("credential: {e}")))
}

fn parse_challenge(token: &str) -> Result<LinkToken, AppError> {
    LinkToken::parse(token).ok_or(AppError::PasskeyChallengeInvalid)
}

/// A name as typed: trimmed, 1 to 64 characters, no control characters.
fn checked_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::PasskeyNameInvalid);
    }
    Ok(name.to_owned())
}

/// Keeps a ceremony's state and hands out the token that finds it again.
async fn keep_challenge(
    state: &AppState,
    purpose: Purpose,
    session: Option<&Session>,
    kept: &str,
    options: serde_json::Value,
    now: i64,
) -> Result<PasskeyChallenge, AppError> {
    let token = LinkToken::generate();
    let mut tx = state.db.begin().await?;
    store::passkeys::delete_expired_challenges(&mut *tx, now).await?;
    if let Some(session) = session {
        store::passkeys::delete_challenges_of_session(&mut *tx, &session.id, purpose).await?;
    }
    let (session_id, user_id) = (session.map(|s| &s.id), session.map(|s| s.user_id));
    let expires_at = now + CHALLENGE_SECS;
    store::passkeys::insert_challenge(&mut *tx, &token.id(), purpose, session_id, user_id, kept, expires_at)
        .await?;
    tx.commit().await?;
    Ok(PasskeyChallenge { challenge: token.as_str().to_owned(), options })
}

/// A ceremony's state for `token`, taken out (once), when it is live, of `purpose` and begun by
/// `session`.
async fn take_challenge<T: serde::de::DeserializeOwned>(
    db: &AnyPool,
    token: &LinkToken,
    purpose: Purpose,
    session: Option<&Session>,
    now: i64,
) -> Result<T, AppError> {
    let session_id = session.map(|s| &s.id);
    let (user_id, kept) = store::passkeys::take_challenge(db, &token.id(), purpose, session_id, now)
        .await?
        .ok_or(AppError::PasskeyChallengeInvalid)?;
    if user_id != session.map(|s| s.user_id) {
        return Err(AppError::PasskeyChallengeInvalid);
    }
    from_stored(&kept)
}

/// The account's user handle, made on its first passkey.
async fn user_handle(db: &AnyPool, user_id: UserId) -> Result<Uuid, AppError> {
    if store::passkeys::handle(db, user_id).await?.is_none() {
        store::passkeys::insert_handle(db, user_id, &Uuid::new_v4().to_string()).await?;
    }
    let handle = store::passkeys::handle(db, user_id).await?.ok_or(AppError::Internal)?;
    Uuid::parse_str(&handle).map_err(|e| AppError::internal("passkey user handle", e))
}

/// Step 1 of adding a passkey: the password (and, with 2FA on, a current second factor), then
/// the options for the browser's `navigator.credentials.create`, which exclude the account's
/// passkeys and ask for one that verifies its user and, where it can, is discoverable.
pub async fn begin_adding(
    state: &AppState,
    session: &Session,
    password: &str,
    proof: &str,
    caller: &Caller,
) -> Result<PasskeyChallenge, AppError> {
    let relying_party = relying_party(&state.settings)?;
    let db = &state.db;
    let account = check_password(db, session, password, caller).await?;
    if super::is_on(db, session.user_id).await? {
        super::consume(state, session, super::Entered::guess(proof)?, caller).await?;
    }
    let handle = user_handle(db, session.user_id).await?;
    let mut exclude = Vec::new();
    for row in store::passkeys::of_account(db, session.user_id).await? {
        exclude.push(from_stored::<Passkey>(&row.credential)?.cred_id().clone());
    }
    let (options, registration) = relying_party
        .start_passkey_registration(handle, &account.email, &account.email, Some(exclude))
        .map_err(|e| AppError::internal("passkey registration options", e))?;
    let mut options = options_json(&options)?;
    // Discoverable where the authenticator can: it then signs in with no email typed.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = "preferred".into();
    }
    let kept = to_json(&registration)?;
    keep_challenge(state, Purpose::Register, Some(session), &kept, options, caller.now).await
}

/// Step 2 of adding a passkey: the browser's answer, checked against this session's live
/// challenge and stored under `name`. The first passkey of an account without 2FA turns 2FA
/// on and comes with ten backup codes (returned); every other session ends, and the change is
/// recorded and mailed.
pub async fn finish_adding(
    state: &AppState,
    session: &Session,
    challenge: &str,
    name: &str,
    credential: &str,
    caller: &Caller,
) -> Result<Option<BackupCodes>, AppError> {
    let relying_party = relying_party(&state.settings)?;
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    let name = checked_name(name)?;
    let credential = parse_registration(credential)?;
    let token = parse_challenge(challenge)?;
    let registration: PasskeyRegistration =
        take_challenge(db, &token, Purpose::Register, Some(session), now).await?;
    let passkey = relying_party.finish_passkey_registration(&credential, &registration).map_err(|error| {
        tracing::info!(user_id = %user_id, %error, "passkey registration refused");
        match error {
            WebauthnError::CredentialAlteredAlgFromRequest | WebauthnError::CredentialExcludedFromRequest => {
                AppError::PasskeyAlreadyRegistered
            }
            _ => AppError::PasskeyRefused,
        }
    })?;
    let first = !super::is_on(db, user_id).await?;
    let fresh = match first {
        true => Some(FreshBackupCodes::make(state, session).await?),
        false => None,
    };
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    let credential_id = credential_id_text(passkey.cred_id());
    if !store::passkeys::insert(&mut *tx, user_id, &credential_id, &name, &to_json(&passkey)?, now).await? {
        return Err(AppError::PasskeyAlreadyRegistered);
    }
    if let Some(fresh) = &fresh {
        // A setup of another method begun meanwhile would turn it on later without a factor.
        store::totp::delete_pending_of_account(&mut *tx, user_id).await?;
        store::sms::delete_pending_numbers_of_account(&mut *tx, user_id).await?;
        fresh.store(&mut tx, session, now).await?;
        security_events::record(&mut *tx, user_id, SecurityEventKind::TwoFactorEnabled, caller.ip(), now)
            .await?;
    }
    security_events::record(&mut *tx, user_id, SecurityEventKind::PasskeyAdded, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::PasskeyAdded, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, first, "passkey added");
    Ok(fresh.map(|fresh| fresh.shown(state, session, caller)))
}

/// Renames one of the account's passkeys.
pub async fn rename(db: &AnyPool, session: &Session, id: i64, name: &str) -> Result<(), AppError> {
    let name = checked_name(name)?;
    match store::passkeys::rename(db, session.user_id, id, &name).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}

/// Removes one of the account's passkeys, with the password and a factor that remains (a code
/// or a backup code; never the passkey itself). The last passkey of an account with no other
/// method is its only second factor: 2FA is turned off instead.
pub async fn remove(
    state: &AppState,
    session: &Session,
    id: i64,
    password: &str,
    proof: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, user_id) = (&state.db, caller.now, session.user_id);
    let rows = store::passkeys::of_account(db, user_id).await?;
    if !rows.iter().any(|row| row.id == id) {
        return Err(AppError::NotFound);
    }
    let other_method =
        super::authenticator::is_on(db, user_id).await? || super::sms::is_on(db, user_id).await?;
    if rows.len() == 1 && !other_method {
        return Err(AppError::OnlySecondFactor);
    }
    check_password(db, session, password, caller).await?;
    super::consume(state, session, super::Entered::guess(proof)?, caller).await?;
    let mut tx = db.begin().await?;
    sessions::new_epoch(&mut tx, session).await?;
    if !store::passkeys::delete(&mut *tx, user_id, id).await? {
        return Err(AppError::NotFound);
    }
    security_events::record(&mut *tx, user_id, SecurityEventKind::PasskeyRemoved, caller.ip(), now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::PasskeyRemoved, caller).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "passkey removed");
    Ok(())
}

/// Deletes the account's passkeys, in the transaction of turning 2FA off. The user handle
/// stays: a passkey left on a device finds no account by it.
pub(super) async fn remove_all(tx: &mut AnyConnection, user_id: UserId) -> Result<(), AppError> {
    store::passkeys::delete_all(&mut *tx, user_id).await
}

/// The options for `navigator.credentials.get` when a passkey is the second factor of the
/// holder's `session`: its passkeys only.
pub async fn begin_proof(
    state: &AppState,
    session: &Session,
    caller: &Caller,
) -> Result<PasskeyChallenge, AppError> {
    let relying_party = relying_party(&state.settings)?;
    let mut passkeys = Vec::new();
    for row in store::passkeys::of_account(&state.db, session.user_id).await? {
        passkeys.push(from_stored::<Passkey>(&row.credential)?);
    }
    if passkeys.is_empty() {
        return Err(AppError::NotFound);
    }
    let (options, authentication) = relying_party
        .start_passkey_authentication(&passkeys)
        .map_err(|e| AppError::internal("passkey request options", e))?;
    let kept = to_json(&authentication)?;
    keep_challenge(state, Purpose::SecondFactor, Some(session), &kept, options_json(&options)?, caller.now)
        .await
}

/// A passkey's answer as the holder's second factor: the session's live challenge, a passkey
/// of the account, verified user, a counter that moved forward. Counts in the account's
/// guessing limits as a code does.
pub(super) async fn consume_assertion(
    state: &AppState,
    holder: &Holder,
    challenge: &str,
    credential: &PublicKeyCredential,
    caller: &Caller,
) -> Result<(), AppError> {
    let outcome = check_assertion(state, holder, challenge, credential, caller).await;
    telemetry::second_factor("passkey", &outcome);
    outcome
}

async fn check_assertion(
    state: &AppState,
    holder: &Holder,
    challenge: &str,
    credential: &PublicKeyCredential,
    caller: &Caller,
) -> Result<(), AppError> {
    let relying_party = relying_party(&state.settings)?;
    let (db, now, user_id) = (&state.db, caller.now, holder.user_id);
    let scopes = throttle::second_factor_scopes(user_id, holder.epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let token = parse_challenge(challenge)?;
    let session_id = holder.session.as_ref().ok_or(AppError::PasskeyChallengeInvalid)?;
    let (owner, kept) =
        store::passkeys::take_challenge(db, &token.id(), Purpose::SecondFactor, Some(session_id), now)
            .await?
            .ok_or(AppError::PasskeyChallengeInvalid)?;
    if owner != Some(user_id) {
        return Err(AppError::PasskeyChallengeInvalid);
    }
    let authentication: PasskeyAuthentication = from_stored(&kept)?;
    let verified = relying_party.finish_passkey_authentication(credential, &authentication);
    settle(state, user_id, credential, verified, caller).await?;
    throttle::succeeded(db, &scopes, now).await
}

/// The options for `navigator.credentials.get` to sign in with a passkey alone: any passkey of
/// this site, the browser lets the person choose (no email asked, so the answer says nothing
/// about which accounts exist). Offered in the email field's autofill too (conditional
/// mediation).
pub async fn begin_sign_in(state: &AppState, caller: &Caller) -> Result<PasskeyChallenge, AppError> {
    let relying_party = relying_party(&state.settings)?;
    let (options, authentication) = relying_party
        .start_discoverable_authentication()
        .map_err(|e| AppError::internal("passkey request options", e))?;
    let kept = to_json(&authentication)?;
    keep_challenge(state, Purpose::SignIn, None, &kept, options_json(&options)?, caller.now).await
}

/// A passkey's answer to a sign-in without a password: the account whose user handle and
/// credential it names, when it verifies. Every refusal is the same `PasskeyRefused`, counted
/// against the client's address, and once the account is known, against its guessing limits.
pub async fn sign_in(
    state: &AppState,
    challenge: &str,
    credential: &str,
    caller: &Caller,
) -> Result<UserId, AppError> {
    let outcome = check_sign_in(state, challenge, credential, caller).await;
    telemetry::second_factor("passkey_sign_in", &outcome);
    outcome
}

async fn check_sign_in(
    state: &AppState,
    challenge: &str,
    credential: &str,
    caller: &Caller,
) -> Result<UserId, AppError> {
    let relying_party = relying_party(&state.settings)?;
    let (db, now) = (&state.db, caller.now);
    let client = caller.ip().map(throttle::client_scopes).unwrap_or_default();
    throttle::begin_attempt(db, &client, now).await?;
    let credential = parse_assertion(credential)?;
    let token = parse_challenge(challenge)?;
    let authentication: DiscoverableAuthentication =
        take_challenge(db, &token, Purpose::SignIn, None, now).await?;
    let (handle, credential_id) = relying_party
        .identify_discoverable_authentication(&credential)
        .map_err(|_| AppError::PasskeyRefused)?;
    let row = store::passkeys::by_credential_id(db, &credential_id_text(credential_id)).await?;
    let owner = match &row {
        Some(row) => store::passkeys::handle(db, row.user_id).await?,
        None => None,
    };
    let (Some(row), Some(owner)) = (row, owner) else {
        tracing::info!("passkey sign-in refused: unknown credential");
        return Err(AppError::PasskeyRefused);
    };
    if owner != handle.to_string() {
        tracing::info!(user_id = %row.user_id, "passkey sign-in refused: user handle of another account");
        return Err(AppError::PasskeyRefused);
    }
    let account = store::users::find_by_id(db, row.user_id).await?;
    let scopes = throttle::second_factor_scopes(account.id, account.auth_epoch, caller);
    throttle::begin_attempt(db, &scopes, now).await?;
    let passkey: Passkey = from_stored(&row.credential)?;
    let verified = relying_party.finish_discoverable_authentication_v2(&credential, authentication, &passkey);
    settle(state, account.id, &credential, verified, caller).await?;
    throttle::succeeded(db, &scopes, now).await?;
    throttle::succeeded(db, &client, now).await?;
    Ok(account.id)
}

/// After the library's verdict on a passkey's answer for `user_id`: a refusal is recorded (a
/// counter that went backwards as a possibly copied passkey, and mailed); an acceptance writes
/// the passkey's new counter and backup state, unless a use recorded meanwhile shows the
/// counter did not move forward.
async fn settle(
    state: &AppState,
    user_id: UserId,
    credential: &PublicKeyCredential,
    verified: Result<AuthenticationResult, WebauthnError>,
    caller: &Caller,
) -> Result<(), AppError> {
    let (db, now, ip) = (&state.db, caller.now, caller.ip());
    let result = match verified {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            return possibly_cloned(state, user_id, caller).await
        }
        Err(error) => {
            tracing::info!(user_id = %user_id, %error, "passkey refused");
            security_events::record(db, user_id, SecurityEventKind::PasskeyRefused, ip, now).await?;
            return Err(AppError::PasskeyRefused);
        }
    };
    let credential_id = credential_id_text(credential.get_credential_id());
    // Two uses of one passkey at once: the second reads the first one's counter and tries again.
    for _ in 0..3 {
        let Some(row) = store::passkeys::by_credential_id(db, &credential_id).await? else {
            return Err(AppError::PasskeyRefused);
        };
        if row.user_id != user_id {
            return Err(AppError::PasskeyRefused);
        }
        let mut passkey: Passkey = from_stored(&row.credential)?;
        if result.counter() != 0 && result.counter() <= stored_counter(&row)? {
            return possibly_cloned(state, user_id, caller).await;
        }
        passkey.update_credential(&result);
        if store::passkeys::record_use(db, row.id, &row.credential, &to_json(&passkey)?, now).await? {
            return Ok(());
        }
    }
    Err(AppError::PasskeyRefused)
}

/// The signature counter the stored record holds (the library keeps it private; its JSON has
/// it).
fn stored_counter(row: &PasskeyRow) -> Result<u32, AppError> {
    let record: serde_json::Value = from_stored(&row.credential)?;
    record
        .pointer("/cred/counter")
        .and_then(serde_json::Value::as_u64)
        .and_then(|counter| u32::try_from(counter).ok())
        .ok_or_else(|| AppError::internal("passkey record", "no counter"))
}

async fn possibly_cloned(state: &AppState, user_id: UserId, caller: &Caller) -> Result<(), AppError> {
    tracing::warn!(user_id = %user_id, "passkey refused: its counter went backwards, it may have been copied");
    let mut tx = state.db.begin().await?;
    let kind = SecurityEventKind::PasskeyPossiblyCloned;
    security_events::record(&mut *tx, user_id, kind, caller.ip(), caller.now).await?;
    notices::notify(&mut tx, &state.settings, user_id, Notice::PasskeyPossiblyCloned, caller).await?;
    tx.commit().await?;
    Err(AppError::PasskeyPossiblyCloned)
}
