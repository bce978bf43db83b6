//! TOTP (RFC 6238) as Microsoft Authenticator and every other app uses it: SHA1, 6 digits, 30
//! seconds. The clock is always a parameter.

use rand::{rngs::OsRng, RngCore};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::backend::time::UnixTime;
use crate::error::AppError;
use crate::two_factor::{CODE_DIGITS, STEP_SECS};

/// 160 bits, the HMAC-SHA1 block-size recommendation of RFC 4226 §4.
pub const SECRET_BYTES: usize = 20;
/// Steps accepted either side of the current one, for clocks that drift a little.
const WINDOW_STEPS: u16 = 1;

pub fn new_secret() -> [u8; SECRET_BYTES] {
    let mut secret = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

fn totp(secret: &[u8]) -> Result<Totp, AppError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(CODE_DIGITS as u8)
        .with_step_duration(STEP_SECS as u64)
        .with_skew(WINDOW_STEPS)
        .with_secret(secret.to_vec())
        .build()
        .map_err(|e| AppError::internal("building a TOTP", e))
}

/// A time step of RFC 6238: the Unix time divided by 30 s. The one an account accepted last is
/// kept, so that no code of it or of an earlier step is accepted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct TotpStep(pub i64);

/// The time step a code belongs to, when it is valid at `now` (one step either side allowed).
/// `code` must already be normalised to its 6 digits.
pub fn matching_step(secret: &[u8], code: &str, now: UnixTime) -> Result<Option<TotpStep>, AppError> {
    let now = u64::try_from(now.0).map_err(|_| AppError::internal("checking a code", "clock before 1970"))?;
    Ok(totp(secret)?.check(code, now).map(|step| TotpStep(step as i64)))
}

/// An authenticator as an account holds it, after kanidm's `Totp`: the secret and the last time
/// step it accepted. It owns the rule of RFC 6238 §5.2: a code is accepted once.
pub struct TotpCredential {
    secret: Vec<u8>,
    last_step: TotpStep,
}

/// What a typed code is worth against a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Valid now, of a later time step than any accepted before: `step` is to be recorded.
    Accepted {
        step: TotpStep,
    },
    /// Valid now, but its time step was already used.
    Reused,
    Wrong,
}

impl TotpCredential {
    pub fn new(secret: Vec<u8>, last_step: TotpStep) -> Self {
        TotpCredential { secret, last_step }
    }

    /// A secret that has accepted no code yet (a setup's pending one).
    pub fn fresh(secret: Vec<u8>) -> Self {
        TotpCredential { secret, last_step: TotpStep(i64::MIN) }
    }

    /// Checks `code` (normalised to its 6 digits) at `now`, one step of drift either side.
    pub fn verify(&self, code: &str, now: UnixTime) -> Result<Verdict, AppError> {
        Ok(match matching_step(&self.secret, code, now)? {
            None => Verdict::Wrong,
            Some(step) if step <= self.last_step => Verdict::Reused,
            Some(step) => Verdict::Accepted { step },
        })
    }

    pub fn secret(&self) -> &[u8] {
        &self.secret
    }
}

/// The code an app shows at `now`; for tests and for nothing else.
pub fn code_at(secret: &[u8], now: UnixTime) -> Result<String, AppError> {
    Ok(totp(secret)?.generate(now.0 as u64).to_string())
}

/// `otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`,
/// the Key URI Format that authenticator apps read from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits={CODE_DIGITS}&period={STEP_SECS}",
        percent_encode(account)
    )
}

/// RFC 3986 percent-encoding of everything but unreserved characters (and `@`, which apps show
/// as is in account names).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 Appendix B: the SHA1 seed "12345678901234567890", truncated to 6 digits.
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(RFC_SEED, UnixTime(time)).unwrap(), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let now = 1_800_000_015; // the middle of step 60_000_000
        let step = now / STEP_SECS;
        for offset in -1..=1 {
            let code = code_at(RFC_SEED, UnixTime(now + offset * STEP_SECS)).unwrap();
            assert_eq!(matching_step(RFC_SEED, &code, UnixTime(now)).unwrap(), Some(TotpStep(step + offset)));
        }
        for offset in [-2, 2] {
            let code = code_at(RFC_SEED, UnixTime(now + offset * STEP_SECS)).unwrap();
            assert_eq!(matching_step(RFC_SEED, &code, UnixTime(now)).unwrap(), None, "offset {offset}");
        }
    }

    #[test]
    fn a_credential_accepts_each_time_step_once() {
        let now = 1_800_000_015;
        let step = TotpStep(now / STEP_SECS);
        let code = code_at(RFC_SEED, UnixTime(now)).unwrap();
        let fresh = TotpCredential::fresh(RFC_SEED.to_vec());
        assert_eq!(fresh.verify(&code, UnixTime(now)).unwrap(), Verdict::Accepted { step });
        let used = TotpCredential::new(RFC_SEED.to_vec(), step);
        assert_eq!(used.verify(&code, UnixTime(now)).unwrap(), Verdict::Reused);
        let next = code_at(RFC_SEED, UnixTime(now + STEP_SECS)).unwrap();
        assert_eq!(
            used.verify(&next, UnixTime(now)).unwrap(),
            Verdict::Accepted { step: TotpStep(step.0 + 1) }
        );
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(used.verify(wrong, UnixTime(now)).unwrap(), Verdict::Wrong);
    }

    #[test]
    fn a_new_secret_is_160_random_bits_in_32_base32_characters() {
        let a = new_secret();
        assert_ne!(a, new_secret());
        let encoded = base32(&a);
        assert_eq!(encoded.len(), 32);
        assert!(encoded.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)));
    }

    #[test]
    fn the_uri_names_issuer_and_account_and_pins_the_settings_apps_honour() {
        assert_eq!(
            otpauth_uri("WebApp", "ada@example.org", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/WebApp:ada@example.org?secret=JBSWY3DPEHPK3PXP&issuer=WebApp&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(
            otpauth_uri("Acme Mail & Co", "a+b@example.org", "X"),
            "otpauth://totp/Acme%20Mail%20%26%20Co:a%2Bb@example.org?secret=X&issuer=Acme%20Mail%20%26%20Co&algorithm=SHA1&digits=6&period=30"
        );
    }
}
