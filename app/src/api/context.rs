//! Plumbing between a server function and the HTTP request it serves: the app state, the
//! cookies, the client's address, the caller's session, headers of the answer.

use std::net::IpAddr;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::{provide_context, use_context, with_context};
use leptos_axum::ResponseOptions;

use crate::account::{AuthLevel, Viewer};
use crate::backend::caller::Caller;
use crate::backend::crypto::devices::{self, DEVICE_COOKIE_SECS};
use crate::backend::ids::{LinkToken, SessionToken};
use crate::backend::second_factor::remembered::REMEMBER_SECS;
use crate::backend::sessions::{self, Session, ABSOLUTE_TIMEOUT_SECS};
use crate::backend::{unix_now, AppState, Settings};
use crate::cookie_header::cookie_values;
use crate::error::AppError;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| AppError::internal("request context", "AppState is not provided"))
}

/// A cookie's name: with secure cookies its `__Host-` form, which the browser refuses unless it is
/// Secure, host-only and Path=/.
fn named(secure_cookies: bool, plain: &'static str, host_only: &'static str) -> &'static str {
    if secure_cookies {
        host_only
    } else {
        plain
    }
}

fn cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "session", "__Host-session")
}

fn device_cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "device", "__Host-device")
}

fn remember_cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "remember", "__Host-remember")
}

/// The values of the cookies named `name` the browser sent (a browser may send several of one
/// name, set from different paths or hosts).
fn cookies(name: &str) -> Vec<String> {
    with_context::<http::request::Parts, _>(|parts| {
        cookie_values(&parts.headers, name).map(str::to_owned).collect()
    })
    .unwrap_or_default()
}

/// The first value of a cookie named `name` that `parse` takes, read in place: on every request
/// behind the session, so it copies nothing it does not keep.
fn first_cookie<T>(name: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    with_context::<http::request::Parts, _>(|parts| cookie_values(&parts.headers, name).find_map(parse))
        .flatten()
}

/// The session token the browser sent, if any (of the shape of ours).
pub fn session_token(settings: &Settings) -> Option<SessionToken> {
    with_context::<http::request::Parts, _>(|parts| session_token_in(&parts.headers, settings)).flatten()
}

/// The session token among `headers`' cookies, if any: `session_token` for a request answered
/// outside Leptos's context (`server::session_check`).
pub fn session_token_in(headers: &http::HeaderMap, settings: &Settings) -> Option<SessionToken> {
    cookie_values(headers, cookie_name(settings)).find_map(SessionToken::parse)
}

/// The token of the browser's "remember this browser" cookie, if it sent one of our shape.
pub fn remembered_token(settings: &Settings) -> Option<LinkToken> {
    first_cookie(remember_cookie_name(settings), LinkToken::parse)
}

/// Who is calling: address, clock, and the browser's device cookies whose signature holds.
pub fn caller(state: &AppState) -> Caller {
    let settings = &state.settings;
    let devices = cookies(device_cookie_name(settings))
        .iter()
        .take(4)
        .filter_map(|value| devices::verify(&settings.data_key, value))
        .collect();
    Caller {
        ip: client_ip(settings),
        now: unix_now(),
        devices,
        user_agent: user_agent(),
        language: crate::i18n::current(),
        time_zone: crate::dates::time_zone_of_request(),
    }
}

/// The longest `User-Agent` kept: real browsers send under 300 bytes.
const MAX_USER_AGENT_BYTES: usize = 512;

fn user_agent() -> Option<String> {
    with_context::<http::request::Parts, _>(|parts| {
        let value = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
        Some(value.chars().take(MAX_USER_AGENT_BYTES).collect())
    })
    .flatten()
}

/// Work done once per request, whoever asks for it and however often: the session (a page
/// asks for it in each of its parts) and a page's data. leptos_axum sets a page's context up
/// more than once, so the memos travel in the request's extensions, which every copy of its
/// `Parts` shares; the router puts one into every request (`server::routing`).
#[derive(Clone, Default)]
pub struct MemosOfRequest(Arc<std::sync::Mutex<Vec<(&'static str, Memo)>>>);

/// One memo: a `tokio::sync::OnceCell` of its result's type.
type Memo = Arc<dyn std::any::Any + Send + Sync>;

/// The result of `work`, done once for this request under `key`: the first caller's `work` runs,
/// on a task of its own, and every caller gets a copy of its result. On its own task because a
/// page's render drops a boundary's future and polls a new one (leptos's Suspense on the
/// server): work begun in a dropped future was lost and done again (three times over on the
/// Security page). The task keeps the caller's reactive owner and those above it, so the context
/// reaches it (`owners_up_from`).
pub async fn once_per_request<T, F>(key: &'static str, work: F) -> T
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    let Some(memos) = use_context::<MemosOfRequest>() else { return work.await };
    let cell = {
        let mut kept = memos.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = kept
            .iter()
            .find(|(kept_key, _)| *kept_key == key)
            .and_then(|(_, cell)| cell.clone().downcast::<tokio::sync::OnceCell<T>>().ok());
        match found {
            Some(cell) => cell,
            None => {
                let cell = Arc::new(tokio::sync::OnceCell::<T>::new());
                kept.push((key, cell.clone()));
                cell
            }
        }
    };
    if let Some(done) = cell.get() {
        return done.clone();
    }
    // Boxed: the session read's future is kilobytes, and the task, its scope and tokio's cell
    // would each copy it whole (memcpy was 9% of a session check's instructions, callgrind).
    let work = leptos::reactive::computed::ScopedFuture::new_untracked(Box::pin(work));
    let owners = owners_up_from(leptos::reactive::owner::Owner::current());
    let task = async move {
        let done = cell.get_or_init(|| work).await.clone();
        drop(owners);
        done
    };
    match tokio::spawn(task).await {
        Ok(done) => done,
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// `first` and every owner above it, held for a task that may outlive its caller: a browser
/// that leaves drops its page, and with it the owners above the task's own. The task then lost
/// the request's context, and worse, a context lookup in the task could drop the last of an
/// owner above, whose cleanup waits for the lock the lookup holds: the worker thread hung for
/// good, and with it the server's shutdown (seen with leptos 0.8's reactive_graph 0.2.16;
/// `operations::browsers_that_leave_the_security_page_early_…`). Held by the task, they are
/// dropped outside every lookup. Also `server::leptos_tasks`, for the tasks Leptos spawns.
pub fn owners_up_from(first: Option<leptos::reactive::owner::Owner>) -> Vec<leptos::reactive::owner::Owner> {
    let mut owners = Vec::new();
    let mut next = first;
    while let Some(owner) = next {
        next = owner.parent();
        owners.push(owner);
    }
    owners
}

/// What every request's server functions and pages read from the context.
pub fn provide_request_context(state: AppState) {
    provide_context(state);
    let memos =
        with_context::<http::request::Parts, _>(|parts| parts.extensions.get::<MemosOfRequest>().cloned())
            .flatten()
            .unwrap_or_default();
    provide_context(memos);
}

/// The caller's live session, if any, as it was when this request first asked.
pub async fn current_session(state: &AppState) -> Result<Option<Session>, AppError> {
    let token = session_token(&state.settings);
    once_per_request("session", look_up_session(state.db.clone(), token)).await
}

async fn look_up_session(
    db: sqlx::AnyPool,
    token: Option<SessionToken>,
) -> Result<Option<Session>, AppError> {
    match token {
        Some(token) => sessions::find(&db, &token, unix_now()).await,
        None => Ok(None),
    }
}

/// Who is logged in with `token`, as the session check answers it (the server function and its
/// answer beside Leptos, `server::session_check`), if anyone.
pub async fn viewer_of(state: &AppState, token: Option<SessionToken>) -> Result<Option<Viewer>, AppError> {
    match token {
        Some(token) => sessions::find_viewer(&state.db, &token, unix_now()).await,
        None => Ok(None),
    }
}

/// The caller's session when it is half logged in: password right, second factor pending.
pub async fn require_password_verified(state: &AppState) -> Result<Session, AppError> {
    match current_session(state).await? {
        Some(s) if s.level == AuthLevel::PasswordVerified => Ok(s),
        Some(_) => Err(AppError::AlreadyLoggedIn),
        None => Err(AppError::LoginRequired),
    }
}

/// The client's IP address: the TCP peer, or, when the peer is a trusted proxy, the client that
/// its `X-Forwarded-For` names.
pub fn client_ip(settings: &Settings) -> Option<String> {
    with_context::<http::request::Parts, _>(|parts| {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
        let forwarded_for: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        Some(client_address(peer, &forwarded_for, &settings.trusted_proxies).to_string())
    })
    .flatten()
}

/// Walks `X-Forwarded-For` from the right: each entry was appended by the hop before it, so
/// entries can be believed only while that hop is a trusted proxy. The first address not
/// of a trusted proxy is the client; anything left of it is the client's own claim and ignored.
/// A malformed entry stops the walk at the last hop that could be believed.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted_proxies: &[IpAddr]) -> IpAddr {
    let mut client = plain(peer);
    let entries = forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim);
    for entry in entries.rev() {
        if !trusted_proxies.iter().any(|proxy| plain(*proxy) == client) {
            break;
        }
        match entry.parse::<IpAddr>() {
            Ok(address) => client = plain(address),
            Err(_) => break,
        }
    }
    client
}

/// An IPv4 address as itself, also when a dual-stack socket reports it IPv4-mapped
/// (`::ffff:a.b.c.d`): the same proxy, the same client, whichever way it connected.
fn plain(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The caller's session when it may use the WebApp: fully authenticated, not half logged in.
pub async fn require_fully_authenticated(state: &AppState) -> Result<Session, AppError> {
    let session = require_fully_authenticated_for_setup(state).await?;
    let now = crate::backend::unix_now();
    let standing =
        crate::backend::account::two_factor_policy::standing_of(&state.db, &state.settings, &session, now)
            .await?;
    match standing {
        crate::two_factor::TwoFactorStanding::SetupRequired
        | crate::two_factor::TwoFactorStanding::SetupAgain => Err(AppError::TwoFactorSetupRequired),
        _ => Ok(session),
    }
}

/// A fully authenticated session, even one that `--require-two-factor` holds to the setup: for
/// the server functions of the setup itself.
pub async fn require_fully_authenticated_for_setup(state: &AppState) -> Result<Session, AppError> {
    match current_session(state).await? {
        Some(s) if s.level == AuthLevel::FullyAuthenticated => Ok(s),
        Some(_) => Err(AppError::SecondFactorRequired),
        None => Err(AppError::LoginRequired),
    }
}

/// An administrator's session, with 2FA on and a second factor proved in the last 10 minutes:
/// for every admin server function but the proof itself.
pub async fn require_administrator(state: &AppState) -> Result<Session, AppError> {
    let session = require_fully_authenticated(state).await?;
    crate::backend::account::admin_console::admit(state, &session, unix_now()).await?;
    Ok(session)
}

/// An administrator's session with 2FA on, fresh or not: for "confirm it is you".
pub async fn require_administrator_to_confirm(state: &AppState) -> Result<Session, AppError> {
    let session = require_fully_authenticated(state).await?;
    crate::backend::account::admin_console::admit_to_confirm(state, &session).await?;
    Ok(session)
}

fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        response.append_header(SET_COOKIE, value);
    }
}

/// The `Set-Cookie` value of a cookie no script reads and no other site sends (HttpOnly,
/// SameSite=Strict, Secure with secure cookies), living `max_age` seconds (0: cleared).
pub fn private_cookie(
    secure_cookies: bool,
    name: &str,
    value: &str,
    max_age: impl std::fmt::Display,
) -> String {
    let secure = if secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

fn set_private_cookie(settings: &Settings, name: &str, value: &str, max_age: impl std::fmt::Display) {
    set_cookie(private_cookie(settings.secure_cookies, name, value, max_age));
}

fn clear_cookie(settings: &Settings, name: &str) {
    set_private_cookie(settings, name, "", 0);
}

pub fn set_session_cookie(settings: &Settings, token: &SessionToken) {
    set_private_cookie(settings, cookie_name(settings), token.as_str(), ABSOLUTE_TIMEOUT_SECS);
}

/// After a change that moved the account to a new authentication epoch, the browser that made
/// it (it just proved to be the owner's) stays a trusted browser of the account: its device
/// cookie is issued again for the new epoch. Without it, the owner's own change would hand a
/// stranger's wrong passwords the power to lock the owner out again.
/// Only a browser that was a trusted browser of the account before gets it anew: a stolen
/// session cookie alone does not make a browser trusted. Best effort: the change is made, and a
/// failure here is logged, not answered.
pub async fn renew_device_cookie(state: &AppState) -> Result<(), AppError> {
    if let Err(error) = renew_known_device(state).await {
        tracing::warn!(%error, "the device cookie could not be renewed after a change");
    }
    Ok(())
}

async fn renew_known_device(state: &AppState) -> Result<(), AppError> {
    let Some(token) = session_token(&state.settings) else { return Ok(()) };
    let caller = caller(state);
    let Some(session) = sessions::find(&state.db, &token, caller.now).await? else { return Ok(()) };
    if session.level == AuthLevel::FullyAuthenticated
        && caller.knows_account(session.user_id, session.account_created_at)
    {
        let key = &state.settings.data_key;
        let renewed = caller.device_cookie_after_login(key, session.user_id, session.epoch);
        set_device_cookie(&state.settings, Some(&renewed));
    }
    Ok(())
}

/// Marks the browser as one that completed a login (see `devices`), when there is a cookie to set.
pub fn set_device_cookie(settings: &Settings, value: Option<&str>) {
    let Some(value) = value else { return };
    set_private_cookie(settings, device_cookie_name(settings), value, DEVICE_COOKIE_SECS);
}

/// Remembers the browser for 30 days (see `remembered`), when there is a token to set.
pub fn set_remember_cookie(settings: &Settings, token: Option<&LinkToken>) {
    let Some(token) = token else { return };
    set_private_cookie(settings, remember_cookie_name(settings), token.as_str(), REMEMBER_SECS);
}

/// Keeps the language chosen in the menu for a year. Not a secret, but no script needs it.
pub fn set_language_cookie(settings: &Settings, locale: crate::i18n::Locale) {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    set_cookie(format!(
        "{}={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
        crate::i18n::LANGUAGE_COOKIE,
        crate::i18n::code(locale)
    ));
}

pub fn clear_session_cookie(settings: &Settings) {
    clear_cookie(settings, cookie_name(settings));
}

/// For answers that carry a secret, a QR code or backup codes: no cache may keep them.
pub fn forbid_caching() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Makes the answer a file download named `file_name` (ASCII, already sanitised).
pub fn attach_as(file_name: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")),
    ) {
        response.insert_header(CONTENT_DISPOSITION, value);
    }
}

/// Whether the call is a plain HTML form posted by a browser without JavaScript (it asks for a
/// page back), not a call from the WASM or from an API client.
fn is_plain_form() -> bool {
    with_context::<http::request::Parts, _>(|parts| asks_for_a_page(&parts.headers)).unwrap_or(false)
}

/// Whether a request with `headers` asks for a page back, as a plain HTML form does (leptos_axum's
/// own test, by which it sends such a form back to its page).
pub fn asks_for_a_page(headers: &http::HeaderMap) -> bool {
    headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// Sends a browser that posted a plain form to `path` once the call succeeds; calls from the
/// WASM or from API clients get their answer as usual.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form() {
        leptos_axum::redirect(path);
    }
}

/// Sends a plain form on to `path`, whose page then says `notice` (`password-reset`,
/// `backup-codes-left:3`, …). The notice travels in a cookie set with this answer, never in the
/// URL: a link cannot make a page say it (see `take_notice`).
pub fn redirect_plain_form_noting(path: &str, notice: &str) {
    if !is_plain_form() {
        return;
    }
    if let Some(state) = use_context::<AppState>() {
        set_private_cookie(&state.settings, notice_cookie_name(&state.settings), notice, NOTICE_SECS);
    }
    leptos_axum::redirect(path);
}

fn shown_once_cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "shown-once", "__Host-shown-once")
}

/// What only the session that asked may read, and only once (a temporary access code given by a
/// plain form): it rides to the page the form is sent on to, sealed with the data key and bound
/// to the session, in a cookie of one minute that the page clears.
pub fn show_once_on_plain_form(state: &AppState, session: &Session, path: &str, text: &str) {
    if !is_plain_form() {
        return;
    }
    let associated = format!("shown-once:{}", session.id.as_str());
    if let Ok(sealed) =
        crate::backend::crypto::sealing::seal(&state.settings.data_key, text.as_bytes(), &associated)
    {
        let name = shown_once_cookie_name(&state.settings);
        set_private_cookie(&state.settings, name, &URL_SAFE_NO_PAD.encode(sealed), NOTICE_SECS);
    }
    leptos_axum::redirect(path);
}

/// What `show_once_on_plain_form` left for this session, if anything; the answer clears it.
pub async fn take_shown_once() -> Option<String> {
    let state = use_context::<AppState>()?;
    let name = shown_once_cookie_name(&state.settings);
    let value = cookies(name).into_iter().next()?;
    clear_cookie(&state.settings, name);
    let session = current_session(&state).await.ok()??;
    let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
    let associated = format!("shown-once:{}", session.id.as_str());
    let opened =
        crate::backend::crypto::sealing::open(&state.settings.data_key, &sealed, &associated).ok()?;
    String::from_utf8(opened).ok()
}

fn notice_cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "notice", "__Host-notice")
}

/// How long a notice, or a refused plain form's error, waits for the page it was meant for: the
/// redirect there takes a moment.
const NOTICE_SECS: u32 = 60;

/// The notice this server left for this browser's next page (see `redirect_plain_form_noting`),
/// if it is of our shape; the answer that shows it clears it.
pub fn take_notice() -> Option<String> {
    let state = use_context::<AppState>()?;
    let name = notice_cookie_name(&state.settings);
    let notice = cookies(name).into_iter().find(|value| {
        !value.is_empty()
            && value.len() <= 40
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
    })?;
    clear_cookie(&state.settings, name);
    Some(notice)
}

/// The error a plain form came back with, as the server left it for this browser (see
/// `server::api_errors::bind_plain_form_error`): the server function's path and the encoded
/// error. The answer that shows it clears it.
pub fn take_form_error() -> Option<(String, String)> {
    let state = use_context::<AppState>()?;
    let name = form_error_cookie_name(state.settings.secure_cookies);
    let value = cookies(name).into_iter().next()?;
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(value).ok()?).ok()?;
    let (path, error) = decoded.split_once('\n')?;
    clear_cookie(&state.settings, name);
    Some((path.to_owned(), error.to_owned()))
}

fn form_error_cookie_name(secure_cookies: bool) -> &'static str {
    named(secure_cookies, "form-error", "__Host-form-error")
}

/// The `Set-Cookie` value that carries a refused plain form's error (the server function's
/// `path` and the encoded `error`) to the page it is sent back to, instead of the URL.
pub fn form_error_cookie(secure_cookies: bool, path: &str, error: &str) -> String {
    let value = URL_SAFE_NO_PAD.encode(format!("{path}\n{error}"));
    private_cookie(secure_cookies, form_error_cookie_name(secure_cookies), &value, NOTICE_SECS)
}

/// Sends a browser that posted a plain form back to the page it came from: leptos_axum does
/// that by its `Referer`; one that sent none (a privacy setting) goes to `path` instead of a
/// bare JSON answer.
pub fn back_or(path: &str) {
    let referred = with_context::<http::request::Parts, _>(|p| p.headers.contains_key(http::header::REFERER))
        .unwrap_or(false);
    if !referred {
        redirect_plain_form(path);
    }
}

fn typed_email_cookie_name(settings: &Settings) -> &'static str {
    named(settings.secure_cookies, "typed-email", "__Host-typed-email")
}

/// How long the email typed into a refused form is kept for it: the redirect back takes a moment.
const TYPED_EMAIL_SECS: u32 = 60;
/// The longest an email address can be.
const MAX_EMAIL_BYTES: usize = 254;

/// After a plain form's login or sign-up is refused, the browser is sent back to the form. The
/// email typed rides along in a cookie that lives a minute (HttpOnly, SameSite=Strict), so the
/// form shows it again without putting it into the URL, where history and logs would keep it.
pub fn remember_typed_email(settings: &Settings, email: &str) {
    if !is_plain_form() || email.len() > MAX_EMAIL_BYTES {
        return;
    }
    let name = typed_email_cookie_name(settings);
    set_private_cookie(settings, name, &URL_SAFE_NO_PAD.encode(email), TYPED_EMAIL_SECS);
}

/// Drops the kept email once the form went through.
pub fn forget_typed_email(settings: &Settings) {
    let name = typed_email_cookie_name(settings);
    if !cookies(name).is_empty() {
        clear_cookie(settings, name);
    }
}

/// The email kept by `remember_typed_email`, for the form's field.
pub fn typed_email() -> Option<String> {
    let state = use_context::<AppState>()?;
    cookies(typed_email_cookie_name(&state.settings)).iter().find_map(|value| {
        let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
        String::from_utf8(bytes).ok().filter(|email| email.len() <= MAX_EMAIL_BYTES)
    })
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const PROXY: &str = "10.0.0.2";

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() {
        assert_eq!(client_address(ip("198.51.100.9"), &["203.0.113.7"], &[]), ip("198.51.100.9"));
        assert_eq!(client_address(ip(PROXY), &["203.0.113.7"], &[ip("10.0.0.3")]), ip(PROXY));
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_appended() {
        let trusted = [ip(PROXY)];
        assert_eq!(client_address(ip(PROXY), &["203.0.113.7"], &trusted), ip("203.0.113.7"));
        // Entries left of the proxy's own are the client's claims: a forged one changes nothing.
        assert_eq!(client_address(ip(PROXY), &["1.1.1.1, 203.0.113.7"], &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip(PROXY), &["1.1.1.1", "203.0.113.7"], &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip(PROXY), &["2001:db8::1"], &trusted), ip("2001:db8::1"));
    }

    /// Issue 24, info: a proxy connecting over a dual-stack socket as `::ffff:a.b.c.d` did not
    /// match `--trusted-proxies a.b.c.d`, and every client behind it was the proxy.
    #[test]
    fn an_ipv4_mapped_proxy_is_the_proxy_it_maps() {
        let trusted = [ip(PROXY)];
        assert_eq!(client_address(ip("::ffff:10.0.0.2"), &["203.0.113.7"], &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip(PROXY), &["::ffff:203.0.113.7"], &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip("::ffff:198.51.100.9"), &["203.0.113.7"], &[]), ip("198.51.100.9"));
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_back_to_the_first_untrusted_hop() {
        let trusted = [ip(PROXY), ip("10.0.0.1")];
        assert_eq!(
            client_address(ip(PROXY), &["6.6.6.6, 203.0.113.7, 10.0.0.1"], &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_missing_or_malformed_header_leaves_the_last_believable_hop() {
        let trusted = [ip(PROXY)];
        assert_eq!(client_address(ip(PROXY), &[], &trusted), ip(PROXY));
        assert_eq!(client_address(ip(PROXY), &["not-an-ip"], &trusted), ip(PROXY));
        assert_eq!(client_address(ip(PROXY), &["203.0.113.7, "], &trusted), ip(PROXY));
    }
}
