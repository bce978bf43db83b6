//! The island's calls of the server functions, over their public HTTP API (docs/api.md): url-
//! encoded fields in, JSON (or text) out, an error body on failure. One call path for all of
//! them, on the browser's fetch (web-sys), instead of the server-function client compiled once
//! per function: measured, that client made the WASM 24 KB (brotli) larger, a fifth of the
//! Settings page's budget, and gloo-net's request builder 2 KB more than fetch itself. A refusal
//! keeps only the error body's `message`, what the person reads: decoding the whole `AppError`
//! would add its every variant's decoder and message to the WASM.

use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::island_text::{phrase, Phrase};
use crate::api::{
    BeginAddingApp, BeginSmsNumberChange, BeginSmsSetup, BeginTwoFactorSetup, ConfirmAddingApp,
    ConfirmSmsNumberChange, ConfirmSmsSetup, ConfirmTwoFactorSetup, DisableTwoFactor, DownloadBackupCodes,
    RegenerateBackupCodes, RemoveSmsNumber, ResendSmsSetupCode, SendSmsCode, ShowKeyForAnotherPhone,
};
use crate::two_factor::{AuthenticatorKey, BackupCodes, SmsCodeSent};

/// Why a call did not go through, as the person should read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Refusal {
    fn unreachable() -> Self {
        Refusal(phrase(Phrase::Unreachable).to_owned())
    }

    fn internal() -> Self {
        Refusal(phrase(Phrase::Internal).to_owned())
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

/// Posts `fields` to the server function at `path`; the answer on success.
async fn post(path: &str, fields: &[(&str, &str)]) -> Result<web_sys::Response, Refusal> {
    let params = web_sys::UrlSearchParams::new().map_err(|_| Refusal::internal())?;
    for (name, value) in fields {
        params.append(name, value);
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&params);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| Refusal::internal())?;
    // The body (URLSearchParams) sets the url-encoded content type itself.
    request.headers().set("Accept", "application/json").map_err(|_| Refusal::internal())?;
    let response: web_sys::Response = JsFuture::from(leptos::prelude::window().fetch_with_request(&request))
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|_| Refusal::unreachable())?;
    if response.ok() {
        return Ok(response);
    }
    // An error answer carries the error as JSON (see docs/api.md); anything else, say from a
    // proxy in between, is shown as the generic message.
    let text = text_of(&response).await?;
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Refusal(body.message),
        Err(_) => Refusal::internal(),
    })
}

async fn text_of(response: &web_sys::Response) -> Result<String, Refusal> {
    let promise = response.text().map_err(|_| Refusal::unreachable())?;
    JsFuture::from(promise).await.ok().and_then(|text| text.as_string()).ok_or_else(Refusal::unreachable)
}

async fn call<T: DeserializeOwned>(path: &str, fields: &[(&str, &str)]) -> Result<T, Refusal> {
    let text = text_of(&post(path, fields).await?).await?;
    serde_json::from_str(&text).map_err(|_| Refusal::internal())
}

pub async fn begin_two_factor_setup(password: String) -> Result<AuthenticatorKey, Refusal> {
    call(BeginTwoFactorSetup::PATH, &[("password", &password)]).await
}

pub async fn confirm_two_factor_setup(code: String) -> Result<BackupCodes, Refusal> {
    call(ConfirmTwoFactorSetup::PATH, &[("code", &code)]).await
}

pub async fn begin_sms_setup(password: String, number: String) -> Result<SmsCodeSent, Refusal> {
    call(BeginSmsSetup::PATH, &[("password", &password), ("number", &number)]).await
}

pub async fn resend_sms_setup_code() -> Result<SmsCodeSent, Refusal> {
    call(ResendSmsSetupCode::PATH, &[]).await
}

pub async fn confirm_sms_setup(code: String) -> Result<BackupCodes, Refusal> {
    call(ConfirmSmsSetup::PATH, &[("code", &code)]).await
}

pub async fn begin_adding_app(password: String, code: String) -> Result<AuthenticatorKey, Refusal> {
    call(BeginAddingApp::PATH, &[("password", &password), ("code", &code)]).await
}

pub async fn confirm_adding_app(code: String) -> Result<(), Refusal> {
    post(ConfirmAddingApp::PATH, &[("code", &code)]).await.map(drop)
}

/// A code texted to the account's number, as the current second factor of a change.
pub async fn send_sms_code() -> Result<SmsCodeSent, Refusal> {
    call(SendSmsCode::PATH, &[]).await
}

pub async fn begin_sms_number_change(
    password: String,
    code: String,
    number: String,
) -> Result<SmsCodeSent, Refusal> {
    call(BeginSmsNumberChange::PATH, &[("password", &password), ("code", &code), ("number", &number)]).await
}

pub async fn confirm_sms_number_change(code: String) -> Result<(), Refusal> {
    post(ConfirmSmsNumberChange::PATH, &[("code", &code)]).await.map(drop)
}

pub async fn remove_sms_number(password: String, code: String) -> Result<(), Refusal> {
    post(RemoveSmsNumber::PATH, &[("password", &password), ("code", &code)]).await.map(drop)
}

pub async fn regenerate_backup_codes(password: String, code: String) -> Result<BackupCodes, Refusal> {
    call(RegenerateBackupCodes::PATH, &[("password", &password), ("code", &code)]).await
}

pub async fn show_key_for_another_phone(password: String, code: String) -> Result<AuthenticatorKey, Refusal> {
    call(ShowKeyForAnotherPhone::PATH, &[("password", &password), ("code", &code)]).await
}

pub async fn disable_two_factor(password: String, code: String) -> Result<(), Refusal> {
    post(DisableTwoFactor::PATH, &[("password", &password), ("code", &code)]).await.map(drop)
}

/// The backup-code file's text.
pub async fn download_backup_codes() -> Result<String, Refusal> {
    text_of(&post(DownloadBackupCodes::PATH, &[]).await?).await
}
