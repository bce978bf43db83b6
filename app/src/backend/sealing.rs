//! Encryption at rest: AES-256-GCM under the server's data key.
//!
//! A sealed value is `key id (1 byte) | nonce (12 bytes) | ciphertext and tag`. The key id lets a
//! later key rotation tell old values from new ones. The associated data binds each value to its
//! owner and purpose, so a ciphertext copied onto another row does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::{rngs::OsRng, RngCore};

use crate::error::AppError;

pub const KEY_ID: u8 = 1;
const NONCE_BYTES: usize = 12;

pub fn seal(key: &[u8; 32], plaintext: &[u8], associated: &str) -> Result<Vec<u8>, AppError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: associated.as_bytes() })
        .map_err(|_| AppError::internal("sealing", "AES-GCM encryption failed"))?;
    let mut sealed = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    sealed.push(KEY_ID);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

pub fn open(key: &[u8; 32], sealed: &[u8], associated: &str) -> Result<Vec<u8>, AppError> {
    if sealed.len() < 1 + NONCE_BYTES || sealed[0] != KEY_ID {
        return Err(AppError::internal("opening a sealed value", "unknown key id or truncated value"));
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_BYTES);
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key))
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: associated.as_bytes() })
        .map_err(|_| AppError::internal("opening a sealed value", "AES-GCM authentication failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_associated_data() {
        let sealed = seal(&KEY, b"secret bytes", "totp:1").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"secret bytes"));
        assert_eq!(open(&KEY, &sealed, "totp:1").unwrap(), b"secret bytes");
        assert!(open(&KEY, &sealed, "totp:2").is_err());
        assert!(open(&[8; 32], &sealed, "totp:1").is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&KEY, &tampered, "totp:1").is_err());
    }

    #[test]
    fn each_sealing_uses_a_fresh_nonce() {
        assert_ne!(seal(&KEY, b"x", "a").unwrap(), seal(&KEY, b"x", "a").unwrap());
    }
}
