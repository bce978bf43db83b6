//! Session tokens: 256 random bits for the cookie; the database keeps only their SHA-256, so a
//! copy of the database does not hand out live sessions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::backend::ids::SessionToken;

const TOKEN_BYTES: usize = 32;

/// A new token from the OS CSPRNG.
pub fn new_token() -> SessionToken {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    SessionToken::from_random(URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of `value`, hex.
pub fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_tokens_are_well_formed_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert!(SessionToken::parse(a.as_str()).is_some());
        assert_ne!(a, b);
    }
}
