//! Identifiers that must not be mixed up: an account's id, a session's stored id, and the token
//! a session cookie carries (whose SHA-256 is the stored id).

use std::fmt;

use super::crypto::tokens;

/// An account: the `users` row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An account's authentication epoch: it moves on with every change to how the account logs in,
/// and a session, device cookie or remembered browser of an earlier epoch is void.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct AuthEpoch(pub i64);

impl fmt::Display for AuthEpoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A session's key in the `sessions` table: the SHA-256 of its token, in hex. Not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct SessionId(String);

impl SessionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The secret a session cookie carries: 256 random bits, URL-safe base64. Its `Debug` shows
/// nothing of it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// A token as a cookie brought it, when it has the shape of one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        let well_formed =
            value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| SessionToken(value.to_owned()))
    }

    /// A new token, from the OS CSPRNG.
    pub fn generate() -> Self {
        SessionToken(tokens::random_token())
    }

    /// The value for the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored id of this token's session.
    pub fn id(&self) -> SessionId {
        SessionId(tokens::sha256_hex(&self.0))
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// The secret of a link sent by mail (address confirmation, password reset): 256 random bits,
/// URL-safe base64, of which the database keeps only the SHA-256. Its `Debug` shows nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    /// A token as a link brought it, when it has the shape of one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        SessionToken::parse(value.trim()).map(|token| LinkToken(token.0))
    }

    /// A new token, from the OS CSPRNG.
    pub fn generate() -> Self {
        LinkToken(tokens::random_token())
    }

    /// The value for the link.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored id of this token: its SHA-256, in hex.
    pub fn id(&self) -> LinkId {
        LinkId(tokens::sha256_hex(&self.0))
    }
}

/// A mailed link's or a remembered browser's key in its table: the SHA-256 of its token, in
/// hex. Not a secret: the list of remembered browsers names each by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct LinkId(String);

impl LinkId {
    /// An id as a form sent it back (to forget a remembered browser).
    pub fn parse(value: &str) -> Self {
        LinkId(value.trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_never_shown_and_its_id_is_a_hash() {
        let token = SessionToken::generate();
        assert_eq!(format!("{token:?}"), "SessionToken(..)");
        let id = token.id();
        assert_eq!(id.as_str().len(), 64);
        assert_ne!(id.as_str(), token.as_str());
        assert_eq!(SessionToken::parse(token.as_str()), Some(token));
        assert_eq!(SessionToken::parse("short"), None);
    }
}
