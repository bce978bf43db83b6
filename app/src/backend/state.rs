//! What every request handler needs: the database and the server's settings.

use std::sync::Arc;

use sqlx::AnyPool;

#[derive(Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub settings: Arc<Settings>,
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
            .finish()
    }
}
