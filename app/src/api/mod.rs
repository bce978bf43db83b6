//! Server functions: the WebApp's public API (see docs/api.md). Each is thin: it reads the
//! request context, calls one function of the domain layer and returns its result or error.

use leptos::server;

pub mod admin;
#[cfg(feature = "ssr")]
pub mod context;

use crate::account::{
    AccountOverview, ActiveSession, ClosedAccount, RememberedBrowser, ResetLinkInfo, Viewer,
};
use crate::error::AppError;
use crate::passkeys::{PasskeyChallenge, PasskeyInfo};
use crate::security_events::SecurityEvent;
use crate::text_codec::PlainText;
use crate::two_factor::{
    AuthenticatorKey, BackupCodeLogin, BackupCodes, SecondFactorChoice, SmsCodeSent, TwoFactorStatus,
};

/// Who is logged in on this session, if anyone. Open to every caller. Its calls over HTTP are
/// mostly answered by `server::session_check`, without this function's Leptos context.
#[server(prefix = "/api", endpoint = "session")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    let state = context::app_state()?;
    context::viewer_of(&state, context::session_token(&state.settings)).await
}

/// Creates an account and logs it in. Limited per client address.
#[server(prefix = "/api", endpoint = "signup")]
pub async fn sign_up(email: String, password: String) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::account::login;
    let state = context::app_state()?;
    let previous = context::session_token(&state.settings);
    let started = login::sign_up(&state, &email, &password, previous.as_ref(), &context::caller(&state))
        .await
        .inspect_err(|_| context::remember_typed_email(&state.settings, &email))?;
    context::forget_typed_email(&state.settings);
    context::set_session_cookie(&state.settings, &started.token);
    context::set_device_cookie(&state.settings, started.device_cookie.as_deref());
    // Without JavaScript, the new account lands in the WebApp, not back on the sign-up form.
    context::redirect_plain_form("/");
    Ok(started.viewer)
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn log_in(email: String, password: String) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::account::login;
    let state = context::app_state()?;
    let previous = context::session_token(&state.settings);
    let remembered = context::remembered_token(&state.settings);
    let caller = context::caller(&state);
    let started = login::log_in(&state, &email, &password, previous.as_ref(), remembered.as_ref(), &caller)
        .await
        .inspect_err(|_| context::remember_typed_email(&state.settings, &email))?;
    context::forget_typed_email(&state.settings);
    context::set_session_cookie(&state.settings, &started.token);
    context::set_device_cookie(&state.settings, started.device_cookie.as_deref());
    Ok(started.viewer)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::login;
    let state = context::app_state()?;
    let token = context::session_token(&state.settings);
    login::log_out(&state, token.as_ref()).await?;
    context::clear_session_cookie(&state.settings);
    // A plain form lands on the login page at `/`, not on the page it was posted from (whose
    // address would then be the next login's destination).
    context::redirect_plain_form("/");
    Ok(())
}

/// Sets the language of pages and messages in this browser (a cookie for a year), and, when a
/// fully logged-in account calls, the language of its mails. `lang`: `en` or `nl`. A form posted
/// without JavaScript goes back to the page it came from.
#[server(prefix = "/api", endpoint = "language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::changes;
    let state = context::app_state()?;
    let locale =
        crate::i18n::from_code(&lang).ok_or_else(|| AppError::bad_request("lang must be en or nl"))?;
    if let Some(session) = context::current_session(&state).await? {
        if session.level.reaches_webapp() {
            changes::set_account_language(&state, session.user_id, locale).await?;
        }
    }
    // After the account's: a refused call changes nothing.
    context::set_language_cookie(&state.settings, locale);
    context::back_or("/");
    Ok(())
}

/// The logged-in account's details. Fully authenticated sessions only.
#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountOverview, AppError> {
    use crate::api::context;
    use crate::backend::store;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    store::users::overview(&state.db, session.user_id).await
}

/// Whether 2FA is on, since when, and how many backup codes are left. Fully authenticated.
#[server(prefix = "/api", endpoint = "two-factor/status")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    second_factor::status(&state, &session).await
}

/// Setup step 1: re-checks the password and issues this session's pending secret (the same one
/// until it is confirmed or expires after 15 minutes; other sessions get their own). Fully
/// authenticated; refused while 2FA is on.
#[server(prefix = "/api", endpoint = "two-factor/begin")]
pub async fn begin_two_factor_setup(password: String) -> Result<AuthenticatorKey, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let caller = context::caller(&state);
    let enrolment = second_factor::Enrolment::Authenticator;
    match second_factor::begin_enrolment(&state, &session, enrolment, &password, &caller).await? {
        second_factor::EnrolmentStarted::Authenticator(key) => Ok(key),
        _ => Err(AppError::internal("app setup", "another method's setup began")),
    }
}

/// Where the account stands with `--require-two-factor`: `free`, `grace` (with `days_left`), or
/// `setup_required` (every other function answers `403 two_factor_setup_required` until 2FA is
/// on). Fully authenticated.
#[server(prefix = "/api", endpoint = "two-factor/standing")]
pub async fn two_factor_standing() -> Result<crate::two_factor::TwoFactorStanding, AppError> {
    use crate::api::context;
    use crate::backend::{account::two_factor_policy, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    two_factor_policy::standing_of(&state.db, &state.settings, &session, unix_now()).await
}

/// Setup step 2: a code from the app turns 2FA on and returns the ten backup codes, once.
#[server(prefix = "/api", endpoint = "two-factor/confirm")]
pub async fn confirm_two_factor_setup(code: String) -> Result<BackupCodes, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let method = second_factor::Method::Authenticator;
    let codes =
        second_factor::finish_enrolment(&state, &session, method, &code, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await?;
    Ok(codes)
}

/// The authenticator app beside texted codes: the password and a current second factor (`code`: a
/// texted code or a backup code); answers this session's pending key, as setup step 1 does.
#[server(prefix = "/api", endpoint = "two-factor/app/add")]
pub async fn begin_adding_app(password: String, code: String) -> Result<AuthenticatorKey, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::authenticator;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    authenticator::begin_adding(&state, &session, &password, &code, &context::caller(&state)).await
}

/// A first code from the app adds it (every other session ends; mailed). The backup codes stay.
#[server(prefix = "/api", endpoint = "two-factor/app/add/confirm")]
pub async fn confirm_adding_app(code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::{authenticator, AppCode};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    authenticator::confirm_adding(&state, &session, &AppCode::parse(&code)?, &context::caller(&state))
        .await?;
    context::renew_device_cookie(&state).await
}

/// SMS setup step 1: re-checks the password, keeps the mobile number for this session and texts
/// a code to it. Fully authenticated; refused while 2FA is on.
#[server(prefix = "/api", endpoint = "two-factor/sms/begin")]
pub async fn begin_sms_setup(password: String, number: String) -> Result<SmsCodeSent, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let caller = context::caller(&state);
    let enrolment = second_factor::Enrolment::Sms { number: &number };
    match second_factor::begin_enrolment(&state, &session, enrolment, &password, &caller).await? {
        second_factor::EnrolmentStarted::Sms(sent) => Ok(sent),
        _ => Err(AppError::internal("SMS setup", "another method's setup began")),
    }
}

/// "Send again" during an SMS setup: a new code to the number of step 1, after the wait.
#[server(prefix = "/api", endpoint = "two-factor/sms/resend")]
pub async fn resend_sms_setup_code() -> Result<SmsCodeSent, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::sms;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    sms::resend_setup_code(&state, &session, &context::caller(&state)).await
}

/// A new number for texted codes, with 2FA on (a fallback of the app, or in place of the number
/// before): the password, a current second factor (`code`: the app's code, a backup code, or a
/// code texted by `two-factor/sms/send`) and the number; a code goes to the new number.
#[server(prefix = "/api", endpoint = "two-factor/sms/change")]
pub async fn begin_sms_number_change(
    password: String,
    code: String,
    number: String,
) -> Result<SmsCodeSent, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::sms;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    sms::begin_number_change(&state, &session, &password, &code, &number, &context::caller(&state)).await
}

/// The code texted to the new number makes it the account's (every other session ends; mailed).
#[server(prefix = "/api", endpoint = "two-factor/sms/change/confirm")]
pub async fn confirm_sms_number_change(code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::{sms, AppCode};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    sms::confirm_number_change(&state, &session, &AppCode::parse(&code)?, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await
}

/// Removes the number, with the password and the app's code or a backup code.
#[server(prefix = "/api", endpoint = "two-factor/sms/remove")]
pub async fn remove_sms_number(password: String, code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::sms;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    sms::remove_number(&state, &session, &password, &code, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await
}

/// Texts a code to the account's number, to prove SMS as the current second factor of a change.
#[server(prefix = "/api", endpoint = "two-factor/sms/send")]
pub async fn send_sms_code() -> Result<SmsCodeSent, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::sms;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    sms::send_login_code(&state, &session, &context::caller(&state)).await
}

/// SMS setup step 2: the texted code turns 2FA on and returns the ten backup codes, once.
#[server(prefix = "/api", endpoint = "two-factor/sms/confirm")]
pub async fn confirm_sms_setup(code: String) -> Result<BackupCodes, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let method = second_factor::Method::Sms;
    let codes =
        second_factor::finish_enrolment(&state, &session, method, &code, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await?;
    Ok(codes)
}

/// The account's passkeys: name, when added and last used. Fully authenticated.
#[server(prefix = "/api", endpoint = "passkeys")]
pub async fn list_passkeys() -> Result<Vec<PasskeyInfo>, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    passkeys::list(&state.db, session.user_id).await
}

/// Adding a passkey, step 1: the password (and with 2FA on, a current second factor in `code`:
/// the app's code, a texted code or a backup code); answers the options for
/// `navigator.credentials.create` and the challenge token to send back within five minutes.
#[server(prefix = "/api", endpoint = "passkeys/add")]
pub async fn begin_adding_passkey(
    password: String,
    code: Option<String>,
) -> Result<PasskeyChallenge, AppError> {
    use crate::api::context;
    use crate::backend::second_factor;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let caller = context::caller(&state);
    let enrolment = second_factor::Enrolment::Passkey { proof: code.as_deref().unwrap_or_default() };
    match second_factor::begin_enrolment(&state, &session, enrolment, &password, &caller).await? {
        second_factor::EnrolmentStarted::Passkey(challenge) => Ok(challenge),
        _ => Err(AppError::internal("adding a passkey", "another method's enrolment")),
    }
}

/// Adding a passkey, step 2: `credential` is `JSON.stringify` of what
/// `navigator.credentials.create` gave, `name` what the person calls it. The first passkey of
/// an account without 2FA turns 2FA on and answers the ten backup codes (once); otherwise
/// `null`. Every other session ends; the change is mailed.
#[server(prefix = "/api", endpoint = "passkeys/add/finish")]
pub async fn finish_adding_passkey(
    challenge: String,
    name: String,
    credential: String,
) -> Result<Option<BackupCodes>, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let caller = context::caller(&state);
    let codes = passkeys::finish_adding(&state, &session, &challenge, &name, &credential, &caller).await?;
    context::renew_device_cookie(&state).await?;
    Ok(codes)
}

/// Renames one of the account's passkeys (`id` from `passkeys`). Fully authenticated.
#[server(prefix = "/api", endpoint = "passkeys/rename")]
pub async fn rename_passkey(id: i64, name: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    passkeys::rename(&state.db, &session, id, &name).await
}

/// Removes one of the account's passkeys, with the password and a factor that remains (`code`:
/// the app's code, a texted code or a backup code). The account's only second factor cannot be
/// removed: 2FA is turned off instead. Every other session ends; the change is mailed.
#[server(prefix = "/api", endpoint = "passkeys/remove")]
pub async fn remove_passkey(id: i64, password: String, code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    passkeys::remove(&state, &session, id, &password, &code, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await
}

/// The backup codes just made, as a text file: for the same session, within 10 minutes.
#[server(prefix = "/api", endpoint = "two-factor/backup-codes", output = PlainText)]
pub async fn download_backup_codes() -> Result<String, AppError> {
    use crate::api::context;
    use crate::backend::{second_factor::backup_codes, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    context::forbid_caching();
    let file = backup_codes::backup_code_file(&state, &session, unix_now(), crate::i18n::current()).await?;
    context::attach_as(&file.file_name);
    Ok(file.text)
}

/// Login step 2: the 6-digit code from the app. Password-verified sessions only; success
/// starts a fully authenticated session under a new id. With `remember` (any value, as a
/// checked checkbox sends), the browser skips this step for 30 days.
#[server(prefix = "/api", endpoint = "login/code")]
pub async fn log_in_with_code(code: String, remember: Option<String>) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::{account::login, second_factor::Entered};
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    let caller = context::caller(&state);
    let done =
        login::complete_login(&state, &session, Entered::AppCode(&code), remember.is_some(), &caller).await?;
    context::set_session_cookie(&state.settings, &done.started.token);
    context::set_device_cookie(&state.settings, done.started.device_cookie.as_deref());
    context::set_remember_cookie(&state.settings, done.started.remember_token.as_ref());
    Ok(done.started.viewer)
}

/// Login step 2: the ways this half-logged-in session may give its second factor (the app, a
/// text to a masked number, and whether one is on its way). Password-verified sessions only.
#[server(prefix = "/api", endpoint = "login/methods")]
pub async fn login_methods() -> Result<SecondFactorChoice, AppError> {
    use crate::api::context;
    use crate::backend::{second_factor, unix_now};
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    second_factor::choice(&state, &session, unix_now()).await
}

/// Login step 2 by SMS: texts a code to the account's number (again, after the wait).
/// Password-verified sessions only: no anonymous request sends a text.
#[server(prefix = "/api", endpoint = "login/sms/send")]
pub async fn send_login_sms() -> Result<SmsCodeSent, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::sms;
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    sms::send_login_code(&state, &session, &context::caller(&state)).await
}

/// Login step 2 with the texted code. Password-verified sessions only; success starts a fully
/// authenticated session.
#[server(prefix = "/api", endpoint = "login/sms")]
pub async fn log_in_with_sms_code(code: String, remember: Option<String>) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::{account::login, second_factor::Entered};
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    let caller = context::caller(&state);
    let done =
        login::complete_login(&state, &session, Entered::SmsCode(&code), remember.is_some(), &caller).await?;
    context::set_session_cookie(&state.settings, &done.started.token);
    context::set_device_cookie(&state.settings, done.started.device_cookie.as_deref());
    context::set_remember_cookie(&state.settings, done.started.remember_token.as_ref());
    Ok(done.started.viewer)
}

/// Login step 2 with a passkey: the options for `navigator.credentials.get` (this account's
/// passkeys) and the challenge token. Password-verified sessions only.
#[server(prefix = "/api", endpoint = "login/passkey/begin")]
pub async fn begin_passkey_login_step() -> Result<PasskeyChallenge, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    context::forbid_caching();
    passkeys::begin_proof(&state, &session, &context::caller(&state)).await
}

/// Login step 2 with a passkey: `credential` is `JSON.stringify` of what
/// `navigator.credentials.get` gave for `challenge`. Success starts a fully authenticated
/// session, as a code does.
#[server(prefix = "/api", endpoint = "login/passkey")]
pub async fn log_in_with_passkey_step(
    challenge: String,
    credential: String,
    remember: Option<String>,
) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::{account::login, second_factor::Entered};
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    let caller = context::caller(&state);
    let entered = Entered::Passkey { challenge: &challenge, credential: &credential };
    let done = login::complete_login(&state, &session, entered, remember.is_some(), &caller).await?;
    context::set_session_cookie(&state.settings, &done.started.token);
    context::set_device_cookie(&state.settings, done.started.device_cookie.as_deref());
    context::set_remember_cookie(&state.settings, done.started.remember_token.as_ref());
    Ok(done.started.viewer)
}

/// Signing in with a passkey alone, step 1: options for `navigator.credentials.get` that let
/// the browser offer any passkey of this site (no email asked) and the challenge token. Open to
/// every caller.
#[server(prefix = "/api", endpoint = "sign-in/passkey/begin")]
pub async fn begin_passkey_sign_in() -> Result<PasskeyChallenge, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::passkeys;
    let state = context::app_state()?;
    context::forbid_caching();
    passkeys::begin_sign_in(&state, &context::caller(&state)).await
}

/// Signing in with a passkey alone, step 2: a passkey that verified its user (PIN, biometrics)
/// is two factors in one, so the session it starts is fully authenticated, with no password and
/// no code. Every refusal is the same `passkey_refused`.
#[server(prefix = "/api", endpoint = "sign-in/passkey")]
pub async fn sign_in_with_passkey(challenge: String, credential: String) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::account::login;
    let state = context::app_state()?;
    let previous = context::session_token(&state.settings);
    let caller = context::caller(&state);
    let started =
        login::sign_in_with_passkey(&state, &challenge, &credential, previous.as_ref(), &caller).await?;
    context::set_session_cookie(&state.settings, &started.token);
    context::set_device_cookie(&state.settings, started.device_cookie.as_deref());
    Ok(started.viewer)
}

/// Login step 2 for a person who lost every second factor: a temporary access code an
/// administrator gave (`code`). Password-verified sessions only. The new session reaches nothing
/// but a new 2FA setup (`two-factor/standing` says `setup_again`), whose completion replaces
/// every old factor.
#[server(prefix = "/api", endpoint = "login/access-code")]
pub async fn log_in_with_access_code(code: String) -> Result<Viewer, AppError> {
    use crate::api::context;
    use crate::backend::account::access_codes;
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    let started = access_codes::log_in(&state, &session, &code, &context::caller(&state)).await?;
    context::set_session_cookie(&state.settings, &started.token);
    context::redirect_plain_form("/");
    Ok(started.viewer)
}

/// Login step 2 with a backup code instead; answers how many codes are left.
#[server(prefix = "/api", endpoint = "login/backup-code")]
pub async fn log_in_with_backup_code(
    code: String,
    remember: Option<String>,
) -> Result<BackupCodeLogin, AppError> {
    use crate::api::context;
    use crate::backend::{account::login, second_factor::Entered};
    let state = context::app_state()?;
    let session = context::require_password_verified(&state).await?;
    let caller = context::caller(&state);
    let done =
        login::complete_login(&state, &session, Entered::BackupCode(&code), remember.is_some(), &caller)
            .await?;
    context::set_session_cookie(&state.settings, &done.started.token);
    context::set_device_cookie(&state.settings, done.started.device_cookie.as_deref());
    context::set_remember_cookie(&state.settings, done.started.remember_token.as_ref());
    let backup_codes_left = done.backup_codes_left.unwrap_or_default();
    // A plain form (no script) learns how many are left from the page it is sent to.
    context::redirect_plain_form_noting("/", &format!("backup-codes-left:{backup_codes_left}"));
    Ok(BackupCodeLogin { viewer: done.started.viewer, backup_codes_left })
}

/// A new set of backup codes; the old set stops working and every other session ends. Needs the
/// password and a current code from the app or an unused backup code (in `code`).
#[server(prefix = "/api", endpoint = "two-factor/backup-codes/regenerate")]
pub async fn regenerate_backup_codes(
    password: String,
    code: Option<String>,
) -> Result<BackupCodes, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::{changes, Entered};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    let proof = Entered::guess(code.as_deref().unwrap_or_default())?;
    let codes =
        changes::regenerate_backup_codes(&state, &session, &password, proof, &context::caller(&state))
            .await?;
    context::renew_device_cookie(&state).await?;
    Ok(codes)
}

/// The active key again, as QR code and text, for another smartphone: password and a current code.
#[server(prefix = "/api", endpoint = "two-factor/another-phone")]
pub async fn show_key_for_another_phone(
    password: String,
    code: String,
) -> Result<AuthenticatorKey, AppError> {
    use crate::api::context;
    use crate::backend::second_factor::changes;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    context::forbid_caching();
    let key = changes::show_key_again(&state, &session, &password, &code, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await?;
    Ok(key)
}

/// Turns 2FA off: password and a current code or an unused backup code (in `code`).
#[server(prefix = "/api", endpoint = "two-factor/disable")]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::second_factor::{changes, Entered};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    changes::disable(&state, &session, &password, Entered::guess(&code)?, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await
}

/// The account's latest security events, newest first.
#[server(prefix = "/api", endpoint = "security/events")]
pub async fn get_security_events() -> Result<Vec<SecurityEvent>, AppError> {
    use crate::api::context;
    use crate::backend::store;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    store::security_events::recent(&state.db, session.user_id).await
}

/// Confirms the address a confirmation link was mailed to (the link's `token`); answers the
/// address. Open to every caller: the link is the proof. Single use.
#[server(prefix = "/api", endpoint = "email/confirm")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    use crate::api::context;
    use crate::backend::account::address;
    let state = context::app_state()?;
    let email = address::confirm(&state, &token, &context::caller(&state)).await?;
    context::redirect_plain_form_noting(address::CONFIRM_PATH, "confirmed");
    Ok(email)
}

/// Mails a new confirmation link to the account's address, at most once a minute. Fully
/// authenticated, address not yet confirmed.
#[server(prefix = "/api", endpoint = "email/confirmation/resend")]
pub async fn resend_email_confirmation() -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::address;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated_for_setup(&state).await?;
    address::resend_confirmation(&state, &session, &context::caller(&state)).await?;
    context::redirect_plain_form_noting("/", "confirmation-sent");
    Ok(())
}

/// "Forgot password?": mails a reset link when an account has `email`, confirmed or not (the link
/// confirms it). Answers the same either way, after 200 ms. Limited per address, per account and per client.
#[server(prefix = "/api", endpoint = "password/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::password_reset;
    let state = context::app_state()?;
    password_reset::request_link(&state, &email, &context::caller(&state)).await?;
    context::redirect_plain_form_noting("/forgot-password", "sent");
    Ok(())
}

/// What the reset page needs to know of a live reset link: the address, and whether the reset
/// also takes a second factor. Does not use the link up.
#[server(prefix = "/api", endpoint = "password/reset/check")]
pub async fn check_password_reset_link(token: String) -> Result<ResetLinkInfo, AppError> {
    use crate::api::context;
    use crate::backend::{account::password_reset, unix_now};
    let state = context::app_state()?;
    password_reset::check_link(&state, &token, unix_now()).await
}

/// Sets a new password through a reset link; with 2FA on, `code` (from the app, or a backup
/// code) is required. Ends every session of the account: log in afterwards.
#[server(prefix = "/api", endpoint = "password/reset")]
pub async fn reset_password(token: String, password: String, code: Option<String>) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::password_reset;
    let state = context::app_state()?;
    let caller = context::caller(&state);
    password_reset::reset(&state, &token, &password, code.as_deref(), &caller).await?;
    context::redirect_plain_form_noting("/", "password-reset");
    Ok(())
}

/// The account's live sessions, the caller's marked `current`. Fully authenticated.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn list_sessions() -> Result<Vec<ActiveSession>, AppError> {
    use crate::api::context;
    use crate::backend::{account::session_list, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    session_list::list(&state, &session, unix_now(), crate::i18n::current()).await
}

/// Ends one of the account's sessions (its `id` from `sessions`); it is logged out at its next
/// request, on every instance. Fully authenticated.
#[server(prefix = "/api", endpoint = "sessions/end")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::session_list;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    session_list::end(&state, &session, &id, &context::caller(&state)).await
}

/// Ends every other session of the account and forgets its remembered browsers; answers how many
/// sessions ended. Fully authenticated.
#[server(prefix = "/api", endpoint = "sessions/end-others")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::api::context;
    use crate::backend::account::session_list;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    let ended = session_list::end_others(&state, &session, &context::caller(&state)).await?;
    context::renew_device_cookie(&state).await?;
    Ok(ended)
}

/// The browsers that skip the code prompt. Fully authenticated.
#[server(prefix = "/api", endpoint = "remembered")]
pub async fn list_remembered_browsers() -> Result<Vec<RememberedBrowser>, AppError> {
    use crate::api::context;
    use crate::backend::{account::session_list, unix_now};
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    session_list::remembered(&state, &session, unix_now(), crate::i18n::current()).await
}

/// Forgets a remembered browser (its `id` from `remembered`). Fully authenticated.
#[server(prefix = "/api", endpoint = "remembered/forget")]
pub async fn forget_browser(id: String) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::session_list;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    session_list::forget(&state, &session, &id, &context::caller(&state)).await
}

/// A new password: the current one, the new one (the sign-up rules) and, with 2FA on, a current
/// code or a backup code. Every other session ends and remembered browsers are forgotten.
#[server(prefix = "/api", endpoint = "password/change")]
pub async fn change_password(
    current_password: String,
    password: String,
    code: Option<String>,
) -> Result<(), AppError> {
    use crate::api::context;
    use crate::backend::account::changes;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    let caller = context::caller(&state);
    changes::change_password(&state, &session, &current_password, &password, code.as_deref(), &caller)
        .await?;
    context::renew_device_cookie(&state).await?;
    context::redirect_plain_form_noting("/settings/security", "password-changed");
    Ok(())
}

/// Closes the account: the password and, with 2FA on, a current code or a backup code. Deletes
/// every row of the account in one transaction and answers what was deleted.
#[server(prefix = "/api", endpoint = "account/close")]
pub async fn close_account(password: String, code: Option<String>) -> Result<ClosedAccount, AppError> {
    use crate::api::context;
    use crate::backend::account::changes;
    let state = context::app_state()?;
    let session = context::require_fully_authenticated(&state).await?;
    let closed =
        changes::close_account(&state, &session, &password, code.as_deref(), &context::caller(&state))
            .await?;
    context::clear_session_cookie(&state.settings);
    context::redirect_plain_form_noting("/", "account-closed");
    Ok(closed)
}
