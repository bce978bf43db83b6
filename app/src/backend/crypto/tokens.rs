//! Session tokens: 256 random bits for the cookie; the database keeps only their SHA-256, so a
//! copy of the database does not hand out live sessions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;

/// A new token, as the cookie carries it (43 URL-safe base64 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `token` has the shape of one of ours (anything else is not looked up).
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The stored id of a token: its SHA-256, hex.
pub fn id_of(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_id_is_a_hash_not_the_token() {
        let id = id_of("token");
        assert_eq!(id.len(), 64);
        assert_ne!(id, "token");
    }

    #[test]
    fn new_tokens_are_well_formed_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert!(is_well_formed(&a) && is_well_formed(&b));
        assert_ne!(a, b);
        assert!(!is_well_formed("short"));
    }
}
