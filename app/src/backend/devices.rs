//! Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies".
//!
//! A browser that completed a login gets a cookie naming the account and a random nonce, signed
//! with a key derived from the data key. At the next login to that account, a valid cookie makes
//! the browser a trusted client: its attempts count against a limit of its own (the nonce's),
//! not against the account's, so strangers who lock the account for untrusted clients cannot
//! keep its owner out. Nothing is stored: a forged or altered cookie fails the signature, and
//! one cookie counts for the one account it names.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::Sha256;

use super::sealing::DataKey;

/// How long a browser stays trusted after its last full login.
pub const DEVICE_COOKIE_SECS: i64 = 180 * 24 * 60 * 60;
const VERSION: &str = "v1";
const NONCE_BYTES: usize = 16;
const PURPOSE: &str = "device-cookie";

/// A browser that once logged in to `user_id`, known by its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub user_id: i64,
    pub nonce: String,
}

fn signature(key: &DataKey, payload: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.derive(PURPOSE)).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    mac
}

/// A new cookie value for a browser that just logged in to `user_id`.
pub fn issue(key: &DataKey, user_id: i64) -> String {
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut nonce);
    let payload = format!("{VERSION}.{user_id}.{}", URL_SAFE_NO_PAD.encode(nonce));
    let tag = URL_SAFE_NO_PAD.encode(signature(key, &payload).finalize().into_bytes());
    format!("{payload}.{tag}")
}

/// The device a cookie value names, when its signature holds.
pub fn verify(key: &DataKey, value: &str) -> Option<Device> {
    if value.len() > 200 {
        return None;
    }
    let (payload, tag) = value.rsplit_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    signature(key, payload).verify_slice(&tag).ok()?;
    let mut parts = payload.split('.');
    let (VERSION, Some(user_id), Some(nonce), None) = (parts.next()?, parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some(Device { user_id: user_id.parse().ok()?, nonce: nonce.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_verifies_under_its_key_and_names_its_account() {
        let key = DataKey::new(1, [3; 32]);
        let value = issue(&key, 42);
        let device = verify(&key, &value).unwrap();
        assert_eq!(device.user_id, 42);
        assert_ne!(verify(&key, &issue(&key, 42)).unwrap().nonce, device.nonce, "a fresh nonce each time");
        assert_eq!(verify(&DataKey::new(1, [4; 32]), &value), None, "another key");
    }

    #[test]
    fn an_altered_or_malformed_cookie_is_refused() {
        let key = DataKey::new(1, [3; 32]);
        let value = issue(&key, 42);
        let other_account = value.replacen(".42.", ".43.", 1);
        assert_eq!(verify(&key, &other_account), None);
        let mut flipped = value.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(verify(&key, &String::from_utf8(flipped).unwrap()), None);
        for junk in ["", ".", "v1", "v1.42.abc", "v1.42.abc.", "x".repeat(500).as_str()] {
            assert_eq!(verify(&key, junk), None, "{junk}");
        }
    }
}
