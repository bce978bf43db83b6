//! Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies".
//!
//! A browser that completed a login gets a cookie naming the account, the account's
//! authentication epoch, the time and a random nonce, signed with a key derived from the data
//! key. At the next login to that account, a valid cookie makes the browser a trusted client: its
//! attempts count against a limit of its own (the nonce's), not against the account's, so
//! strangers who lock the account for untrusted clients cannot keep its owner out. Nothing is
//! stored: a forged or altered cookie fails the signature; a cookie counts only for the account
//! it names, for 180 days, and only while the account is at the epoch it names, so every change
//! to the factors (turning 2FA on, say) revokes the cookies made before, a password thief's
//! included. Each complete login renews the cookie, keeping its nonce.

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

/// A browser that logged in to `user_id` at `issued_at`, under the account's epoch `epoch`,
/// known by its nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub user_id: i64,
    pub epoch: i64,
    pub issued_at: i64,
    pub nonce: String,
}

impl Device {
    /// Whether this cookie makes its browser trusted for `user_id` at `epoch`, at `now`.
    pub fn trusted_for(&self, user_id: i64, epoch: i64, now: i64) -> bool {
        self.user_id == user_id
            && self.epoch == epoch
            && (0..DEVICE_COOKIE_SECS).contains(&(now - self.issued_at))
    }
}

fn signature(key: &DataKey, payload: &str) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(&key.derive(PURPOSE)).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    mac
}

/// The cookie value for a browser that just completed a login to `user_id` at epoch `epoch`:
/// the device it already was (its nonce kept), or a new one.
pub fn issue(key: &DataKey, user_id: i64, epoch: i64, now: i64, renewing: Option<&Device>) -> String {
    let nonce = match renewing {
        Some(device) => device.nonce.clone(),
        None => {
            let mut nonce = [0u8; NONCE_BYTES];
            OsRng.fill_bytes(&mut nonce);
            URL_SAFE_NO_PAD.encode(nonce)
        }
    };
    let payload = format!("{VERSION}.{user_id}.{epoch}.{now}.{nonce}");
    let tag = URL_SAFE_NO_PAD.encode(signature(key, &payload).finalize().into_bytes());
    format!("{payload}.{tag}")
}

/// The device a cookie value names, when its signature holds (whether it is still trusted is
/// `Device::trusted_for`).
pub fn verify(key: &DataKey, value: &str) -> Option<Device> {
    if value.len() > 200 {
        return None;
    }
    let (payload, tag) = value.rsplit_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    signature(key, payload).verify_slice(&tag).ok()?;
    let fields: Vec<&str> = payload.split('.').collect();
    let [VERSION, user_id, epoch, issued_at, nonce] = fields[..] else {
        return None;
    };
    Some(Device {
        user_id: user_id.parse().ok()?,
        epoch: epoch.parse().ok()?,
        issued_at: issued_at.parse().ok()?,
        nonce: nonce.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_cookie_verifies_under_its_key_and_names_its_account_and_epoch() {
        let key = DataKey::new(1, [3; 32]);
        let value = issue(&key, 42, 7, NOW, None);
        let device = verify(&key, &value).unwrap();
        assert_eq!((device.user_id, device.epoch, device.issued_at), (42, 7, NOW));
        assert!(device.trusted_for(42, 7, NOW + 1));
        assert!(!device.trusted_for(43, 7, NOW + 1), "another account");
        assert!(!device.trusted_for(42, 8, NOW + 1), "the account's factors changed since");
        assert!(!device.trusted_for(42, 7, NOW + DEVICE_COOKIE_SECS), "too old");
        assert_ne!(
            verify(&key, &issue(&key, 42, 7, NOW, None)).unwrap().nonce,
            device.nonce,
            "a fresh nonce each time"
        );
        let renewed = verify(&key, &issue(&key, 42, 8, NOW + 5, Some(&device))).unwrap();
        assert_eq!((renewed.nonce, renewed.epoch, renewed.issued_at), (device.nonce.clone(), 8, NOW + 5));
        assert_eq!(verify(&DataKey::new(1, [4; 32]), &value), None, "another key");
    }

    #[test]
    fn an_altered_or_malformed_cookie_is_refused() {
        let key = DataKey::new(1, [3; 32]);
        let value = issue(&key, 42, 7, NOW, None);
        assert_eq!(verify(&key, &value.replacen(".42.", ".43.", 1)), None);
        assert_eq!(verify(&key, &value.replacen(".7.", ".8.", 1)), None);
        let mut flipped = value.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(verify(&key, &String::from_utf8(flipped).unwrap()), None);
        for junk in ["", ".", "v1", "v1.42.abc", "v1.42.abc.", "x".repeat(500).as_str()] {
            assert_eq!(verify(&key, junk), None, "{junk}");
        }
    }
}
