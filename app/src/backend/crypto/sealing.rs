//! Encryption at rest: AES-256-GCM under the server's data key.
//!
//! A sealed value is `key id (1 byte) | nonce (12 bytes) | ciphertext and tag`. The key id lets a
//! later key rotation tell old values from new ones. The associated data binds each value to its
//! owner and purpose, so a ciphertext copied onto another row does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::{rngs::OsRng, RngCore};

use crate::error::AppError;

const NONCE_BYTES: usize = 12;

/// A 256-bit AES key and its id (1 to 255).
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey {
    pub id: u8,
    bytes: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    // The key itself never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey {{ id: {}, .. }}", self.id)
    }
}

impl DataKey {
    pub fn new(id: u8, bytes: [u8; 32]) -> Self {
        DataKey { id, bytes }
    }

    pub fn generate(id: u8) -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        DataKey { id, bytes }
    }

    /// The id the key after this one gets.
    pub fn next_id(&self) -> u8 {
        if self.id == u8::MAX {
            1
        } else {
            self.id + 1
        }
    }

    /// A key file holds the id and the key (33 bytes); a bare 32-byte key is id 1.
    pub fn from_file_bytes(bytes: &[u8]) -> Option<Self> {
        match bytes.len() {
            32 => Some(DataKey { id: 1, bytes: bytes.try_into().ok()? }),
            33 if bytes[0] != 0 => Some(DataKey { id: bytes[0], bytes: bytes[1..].try_into().ok()? }),
            _ => None,
        }
    }

    /// A key of its own for `purpose` (HMAC-SHA256 of the purpose under this key), so that one
    /// key file serves sealing and signing without one use weakening the other.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub fn to_file_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(33);
        out.push(self.id);
        out.extend_from_slice(&self.bytes);
        out
    }
}

pub fn seal(key: &DataKey, plaintext: &[u8], associated: &str) -> Result<Vec<u8>, AppError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.bytes));
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: associated.as_bytes() })
        .map_err(|_| AppError::internal("sealing", "AES-GCM encryption failed"))?;
    let mut sealed = Vec::with_capacity(1 + NONCE_BYTES + ciphertext.len());
    sealed.push(key.id);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

/// The id of the key that sealed a value.
pub fn key_id_of(sealed: &[u8]) -> Option<u8> {
    sealed.first().copied()
}

pub fn open(key: &DataKey, sealed: &[u8], associated: &str) -> Result<Vec<u8>, AppError> {
    if sealed.len() < 1 + NONCE_BYTES || sealed[0] != key.id {
        return Err(AppError::internal("opening a sealed value", "unknown key id or truncated value"));
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_BYTES);
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.bytes))
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: associated.as_bytes() })
        .map_err(|_| AppError::internal("opening a sealed value", "AES-GCM authentication failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: DataKey = DataKey { id: 1, bytes: [7; 32] };

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_associated_data() {
        let sealed = seal(&KEY, b"secret bytes", "totp:1").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"secret bytes"));
        assert_eq!(open(&KEY, &sealed, "totp:1").unwrap(), b"secret bytes");
        assert!(open(&KEY, &sealed, "totp:2").is_err());
        assert!(open(&DataKey::new(1, [8; 32]), &sealed, "totp:1").is_err());
        assert!(open(&DataKey::new(2, [7; 32]), &sealed, "totp:1").is_err(), "another key id");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&KEY, &tampered, "totp:1").is_err());
    }

    #[test]
    fn key_files_carry_the_key_id_and_old_bare_keys_are_id_1() {
        let key = DataKey::generate(7);
        assert_eq!(DataKey::from_file_bytes(&key.to_file_bytes()), Some(key.clone()));
        assert_eq!(DataKey::from_file_bytes(&[9; 32]).unwrap().id, 1);
        assert_eq!(DataKey::from_file_bytes(&[9; 31]), None);
        assert_eq!(DataKey::new(255, [0; 32]).next_id(), 1);
        assert!(!format!("{key:?}").contains(&format!("{:?}", &key.bytes[..4])));
    }

    #[test]
    fn each_sealing_uses_a_fresh_nonce() {
        assert_ne!(seal(&KEY, b"x", "a").unwrap(), seal(&KEY, b"x", "a").unwrap());
    }
}
