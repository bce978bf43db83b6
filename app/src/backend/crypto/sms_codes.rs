//! Texted codes: six digits from the OS CSPRNG, kept only as a keyed hash (HMAC-SHA256 under a
//! key derived from the data key) bound to the session they were sent to, so that a copy of the
//! database neither shows a live code nor lets one be found by trying all million; and the keyed
//! hash of a number, which counts the texts it receives without keeping it in clear.

use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};

use super::sealing::DataKey;
use super::tokens::hex;

/// Six digits, each of the million equally likely.
pub fn generate() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

fn keyed(key: &DataKey, purpose: &str, parts: &[&str]) -> String {
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.derive(purpose)).expect("HMAC takes any key length");
    for part in parts {
        // Length-prefixed, so that no two different lists hash alike.
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex(&mac.finalize().into_bytes())
}

/// The stored form of `code` sent to the session `session_id`.
pub fn code_hash(key: &DataKey, session_id: &str, code: &str) -> String {
    keyed(key, "sms-code", &[session_id, code])
}

/// The stored form of a number (E.164) in the daily counters.
pub fn number_hash(key: &DataKey, e164: &str) -> String {
    keyed(key, "sms-number", &[e164])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..1000 {
            let code = generate();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }

    #[test]
    fn a_code_hash_is_bound_to_the_key_and_the_session() {
        let key = DataKey::generate(1);
        let hash = code_hash(&key, "session-a", "123456");
        assert_eq!(hash, code_hash(&key, "session-a", "123456"));
        assert_ne!(hash, code_hash(&key, "session-b", "123456"));
        assert_ne!(hash, code_hash(&DataKey::generate(1), "session-a", "123456"));
        assert!(!hash.contains("123456"));
        assert_ne!(number_hash(&key, "+31612345678"), code_hash(&key, "+31612345678", ""));
    }
}
