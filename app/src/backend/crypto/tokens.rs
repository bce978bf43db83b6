//! Session tokens (and the tokens of links sent by mail): 256 random bits for the cookie; the database keeps only their SHA-256, so a
//! copy of the database does not hand out live sessions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::backend::ids::{LinkToken, SessionToken};

const TOKEN_BYTES: usize = 32;

/// A new token from the OS CSPRNG.
pub fn new_token() -> SessionToken {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    SessionToken::from_random(URL_SAFE_NO_PAD.encode(bytes))
}

/// A new token for a link sent by mail, from the OS CSPRNG.
pub fn new_link_token() -> LinkToken {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    LinkToken::from_random(URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of `value`, lowercase hex. Every request with a session cookie computes one: written
/// out by hand, since a `format!` per byte cost more than the hash itself (callgrind).
pub fn sha256_hex(value: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(value.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_lowercase_hex_as_stored() {
        // FIPS 180-2's example "abc".
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn new_tokens_are_well_formed_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert!(SessionToken::parse(a.as_str()).is_some());
        assert_ne!(a, b);
    }
}
