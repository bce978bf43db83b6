//! The secrets of session cookies and mailed links: 256 random bits, of which the database keeps
//! only the SHA-256, so a copy of the database does not hand out live sessions. `ids` wraps them
//! in the types that say which is which.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;

/// 256 bits from the OS CSPRNG, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of `value`, lowercase hex. Every request with a session cookie computes one.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

/// `bytes` as lowercase hex. (Written out by hand, a `char` pushed at a time, it cost a session
/// check a third as much as the SHA-256 it encodes, callgrind.)
pub fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
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
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a, b);
    }
}
