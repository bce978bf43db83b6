//! Passkeys: the types the UI and the server share. The ceremonies live in
//! `backend::second_factor::passkeys`.

use serde::{Deserialize, Serialize};

/// The longest name a passkey may have ("MacBook", "YubiKey 5C").
pub const MAX_NAME_CHARS: usize = 64;

/// What the browser needs for a ceremony: the options for `navigator.credentials.create` or
/// `.get`, and the token that finds the server's half of it again (sent back with the answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasskeyChallenge {
    /// Send it back, with the browser's answer, within five minutes; it works once.
    pub challenge: String,
    /// `{"publicKey": {...}}` in the WebAuthn JSON form, as
    /// `PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey)` (or
    /// `parseRequestOptionsFromJSON`) takes it; binary fields are base64url.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub options: serde_json::Value,
}

/// One of the account's passkeys, as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasskeyInfo {
    pub id: i64,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; `None` until its first use.
    pub last_used_at: Option<i64>,
}
