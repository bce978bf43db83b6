//! What every request handler needs: the database and the server's settings.

use std::sync::Arc;

use sqlx::AnyPool;

#[derive(Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub settings: Arc<Settings>,
    /// Where texted codes go out (a provider, or a folder).
    pub texts: Arc<dyn super::sms::TextSender>,
}

pub struct Settings {
    /// The name authenticator apps show above the account.
    pub issuer: String,
    /// Marks the session cookie `Secure` (and names it `__Host-session`): set when served over TLS.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (see `client_address`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key that encrypts data at rest.
    pub data_key: super::crypto::sealing::DataKey,
    /// Where people reach the WebApp (`https://host`, no trailing slash): the base of every
    /// link in a mail.
    pub public_url: String,
    /// Texts the whole server may send a day, over all accounts: the last line against SMS
    /// pumping.
    pub sms_daily_limit: u32,
    /// The calling codes texts may go to (31 for the Netherlands); every one when empty.
    pub sms_calling_codes: Vec<u16>,
    /// `--require-two-factor`, when given.
    pub two_factor_policy: Option<TwoFactorPolicy>,
}

/// Every account must have 2FA: within `grace_secs` of its sign-up or of `since` (when the
/// policy began), whichever is later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwoFactorPolicy {
    pub since: i64,
    pub grace_secs: i64,
}

impl std::fmt::Debug for Settings {
    // The key must never reach a log line, even through a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer", &self.issuer)
            .field("secure_cookies", &self.secure_cookies)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("data_key", &"<redacted>")
            .field("public_url", &self.public_url)
            .field("sms_daily_limit", &self.sms_daily_limit)
            .field("sms_calling_codes", &self.sms_calling_codes)
            .field("two_factor_policy", &self.two_factor_policy)
            .finish()
    }
}
