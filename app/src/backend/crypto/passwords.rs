//! Password hashing with argon2id, never on the async runtime: one hash costs ~19 MiB and tens
//! of milliseconds. Hashes run on a few threads of their own, one per core; the others wait in a
//! queue that holds a few seconds of work, and beyond that the caller is told to come back (503).
//! A waiting hash costs a few hundred bytes, not 19 MiB, so a burst of logins or sign-ups is
//! served in turn without taking the server's memory. Each hashing thread keeps its 19 MiB of
//! argon2 memory and reuses it while there is work (allocating it per hash left the allocator's
//! arenas holding hundreds of MiB after a burst: 461 MiB after 200 parallel sign-ups, measured),
//! and gives it back after ten idle seconds.
//!
//! Passwords are hashed in Unicode NFKC form, so the same password typed on another keyboard
//! (full-width letters, composed accents) is the same password.

use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use std::cell::RefCell;

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use unicode_normalization::UnicodeNormalization;

use crate::account::check_new_password;
use crate::error::AppError;

/// Hashes waiting for a core, per core, before further callers are turned away: at ~45 hashes
/// per second per core, about three seconds of work, so 200 people logging in at once on two
/// cores all get in.
const WAITING_PER_CORE: usize = 128;
/// A hashing thread that had no work for this long gives its 19 MiB back: kept through a burst,
/// not for good after it.
const RELEASE_MEMORY_AFTER: std::time::Duration = std::time::Duration::from_secs(10);
/// What a caller turned away is told to wait.
const BUSY_RETRY_SECS: i64 = 3;
/// Jobs of anonymous callers (sign-ups) that may run or wait at once, per core: a flood of them,
/// from however many addresses, leaves the rest of the queue to the people logging in, who wait
/// behind at most this many.
const ANONYMOUS_PER_CORE: usize = 4;
/// How much of a new password the strength check reads. zxcvbn's matching grows faster than the
/// password (its look-alike substitutions combine): a crafted 64-character password cost 0.45 s
/// of a hashing thread. The first characters decide whether a password is common or guessable;
/// a longer one is judged by them.
const JUDGED_CHARS: usize = 32;

/// Whose work a hash is: an account holder's (a login, a change), or an anonymous caller's (a
/// sign-up), which gets a bounded share of the hashing threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    AccountHolder,
    Anonymous,
}

/// OWASP's argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane. Public for the hash-rate
/// benchmark (server/examples/argon2_rate.rs).
pub fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

thread_local! {
    /// This hashing thread's argon2 memory, kept from one hash to the next.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Computes the argon2 output of `password` into `out`, in this thread's kept memory.
fn compute(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), AppError> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < params.block_count() {
            memory.resize(params.block_count(), Block::new());
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut memory[..params.block_count()])
            .map_err(|e| AppError::internal("hashing a password failed", e))
    })
}

/// A new PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) for `password`.
fn hash_now(password: &[u8]) -> Result<String, AppError> {
    let fail = |e: argon2::password_hash::Error| AppError::internal("hashing a password failed", e);
    let params = params();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).map_err(fail)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon2, &params, password, salt_bytes, &mut out)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(fail)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(fail)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` gives the output stored in `stored`, under the stored parameters; the
/// outputs are compared in constant time.
fn matches(password: &[u8], stored: &PasswordHash<'_>) -> Result<bool, AppError> {
    let fail = |e: argon2::password_hash::Error| AppError::internal("a stored password hash is malformed", e);
    let algorithm = Algorithm::try_from(stored.algorithm).map_err(fail)?;
    let version = match stored.version {
        Some(v) => {
            Version::try_from(v).map_err(|e| AppError::internal("a stored password hash is malformed", e))?
        }
        None => Version::default(),
    };
    let params = Params::try_from(stored).map_err(fail)?;
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return Err(AppError::internal("a stored password hash is malformed", "no salt or output"));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(fail)?;
    let mut out = vec![0u8; expected.len()];
    compute(&Argon2::new(algorithm, version, params.clone()), &params, password, salt_bytes, &mut out)?;
    Ok(Output::new(&out).map_err(fail)? == expected)
}

type Job = Box<dyn FnOnce() + Send>;

/// What a hashing thread runs after it gave its argon2 memory back, set by the server for its
/// allocator (see `after_memory_released`).
static AFTER_RELEASE: OnceLock<fn()> = OnceLock::new();

/// Sets what a hashing thread runs once it has given its memory back: an allocator such as
/// mimalloc returns freed memory to the system only when the thread calls into it again, which an
/// idle hashing thread does not. Set once, before the first hash; later calls change nothing.
pub fn after_memory_released(hook: fn()) {
    let _ = AFTER_RELEASE.set(hook);
}

/// The hashing threads and the admission to their queue.
struct Hashers {
    jobs: mpsc::Sender<Job>,
    /// The hashes that run or wait.
    admitted: Arc<Semaphore>,
    /// Of those, the anonymous callers' (see `ANONYMOUS_PER_CORE`).
    anonymous: Arc<Semaphore>,
}

static HASHERS: LazyLock<Hashers> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..cores {
        let queue = queue.clone();
        // A thread that cannot start is logged; with none at all the queue is dropped and every
        // hash answers an internal error rather than panicking or waiting for ever.
        let started = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || loop {
            let job = match queue.lock() {
                Ok(queue) => queue.recv_timeout(RELEASE_MEMORY_AFTER),
                Err(_) => return,
            };
            match job {
                Ok(job) => job(),
                // Idle: the memory goes back, and comes again with the next hash. The waiting
                // threads take turns at the queue, so each releases its own in turn.
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if MEMORY.with(|memory| !memory.take().is_empty()) {
                        if let Some(hook) = AFTER_RELEASE.get() {
                            hook();
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        });
        if let Err(error) = started {
            tracing::error!(%error, "could not start a password hashing thread");
        }
    }
    Hashers {
        jobs,
        admitted: Arc::new(Semaphore::new(cores * (1 + WAITING_PER_CORE))),
        anonymous: Arc::new(Semaphore::new(cores * ANONYMOUS_PER_CORE)),
    }
});

/// Runs `work` (one or two argon2id computations) on a hashing thread. The admission goes with
/// the work, so a caller that gives up does not make room while its hash still runs.
async fn hashing<T: Send + 'static>(
    kind: &'static str,
    share: Share,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let hashers = &*HASHERS;
    let busy = || {
        tracing::warn!(?share, "password hashing is saturated: request turned away");
        Err(AppError::ServerBusy { retry_after_secs: BUSY_RETRY_SECS })
    };
    let anonymous = match share {
        Share::Anonymous => match hashers.anonymous.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => return busy(),
        },
        Share::AccountHolder => None,
    };
    let Ok(admitted) = hashers.admitted.clone().try_acquire_owned() else {
        return busy();
    };
    let (answer, answered) = oneshot::channel();
    let job = move || {
        let _admitted: (OwnedSemaphorePermit, Option<OwnedSemaphorePermit>) = (admitted, anonymous);
        let started = std::time::Instant::now();
        let done = work();
        crate::backend::telemetry::hashing(kind, started.elapsed());
        let _ = answer.send(done);
    };
    hashers.jobs.send(Box::new(job)).map_err(|e| AppError::internal("password hashing threads", e))?;
    answered.await.map_err(|e| AppError::internal("password hashing task failed", e))?
}

fn normalized(password: &str) -> String {
    password.nfkc().collect()
}

/// The rules for a new password (ASVS 2.1): 12 to 128 characters once normalised, and not one
/// that is well known or easily guessed from the dictionaries of zxcvbn (common passwords, words,
/// names, keyboard patterns, sequences, repeats, dates, and the account's own email). zxcvbn's
/// matching costs CPU, more than in proportion to the password: it reads the first
/// `JUDGED_CHARS` characters only, on the hashing threads, never on the async runtime.
pub async fn check_new(password: String, email: String, share: Share) -> Result<(), AppError> {
    hashing("check_new", share, move || check_new_now(&password, &email)).await
}

fn check_new_now(password: &str, email: &str) -> Result<(), AppError> {
    let password = normalized(password);
    check_new_password(&password)?;
    let local_part = email.split('@').next().unwrap_or_default();
    let judged: String = password.chars().take(JUDGED_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&judged, &[email, local_part]);
    if u8::from(estimate.score()) < 3 {
        return Err(AppError::PasswordTooCommon);
    }
    Ok(())
}

pub async fn hash(password: String, share: Share) -> Result<String, AppError> {
    let password = normalized(&password);
    hashing("hash", share, move || hash_now(password.as_bytes())).await
}

/// True when `password` matches `stored` (a PHC string). A malformed stored hash is an error.
/// Hashes made before passwords were normalised took the password as typed: that form is tried
/// too when it differs.
pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    hashing("verify", Share::AccountHolder, move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AppError::internal("a stored password hash is malformed", e))?;
        let form = normalized(&password);
        Ok(matches(form.as_bytes(), &parsed)? || (form != password && matches(password.as_bytes(), &parsed)?))
    })
    .await
}

/// Spends the same work as a real check when the account does not exist, so response times do
/// not tell which emails have accounts.
pub async fn verify_against_nothing(password: String) -> Result<(), AppError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    let decoy = match DECOY.get() {
        Some(decoy) => decoy.clone(),
        None => {
            let fresh = hash("decoy password, never used by anyone".to_owned(), Share::AccountHolder).await?;
            DECOY.get_or_init(|| fresh).clone()
        }
    };
    verify(password, decoy).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies_only_its_password() {
        let stored = hash("correct horse battery".into(), Share::AccountHolder).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery".into(), stored.clone()).await.unwrap());
        assert!(!verify("correct horse batterz".into(), stored).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_of_the_argon2_crate_verify_and_ours_verify_with_it() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let theirs = reference
            .hash_password(b"correct horse battery", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify("correct horse battery".into(), theirs.clone()).await.unwrap());
        assert!(!verify("correct horse batterz".into(), theirs).await.unwrap());
        let ours = hash("correct horse battery".into(), Share::AccountHolder).await.unwrap();
        assert!(reference
            .verify_password(b"correct horse battery", &PasswordHash::new(&ours).unwrap())
            .is_ok());
    }

    #[tokio::test]
    async fn a_password_matches_in_any_unicode_form_of_it() {
        let stored = hash("Cafe\u{301} au lait, s'il vous plaît".into(), Share::AccountHolder).await.unwrap();
        assert!(verify("Café au lait, s'il vous plaît".into(), stored).await.unwrap());
    }

    #[test]
    fn new_passwords_need_12_to_128_characters_and_must_not_be_common() {
        assert_eq!(
            check_new_now("Tr0ub4dor&3", "a@example.org"),
            Err(AppError::PasswordTooShort { min: 12 })
        );
        assert_eq!(
            check_new_now(&"x7".repeat(65), "a@example.org"),
            Err(AppError::PasswordTooLong { max: 128 })
        );
        for weak in ["password1234", "123456789012", "qwertyuiopas", "adalovelace1815", "aaaaaaaaaaaaaaaa"] {
            assert_eq!(
                check_new_now(weak, "adalovelace@example.org"),
                Err(AppError::PasswordTooCommon),
                "{weak}"
            );
        }
        assert_eq!(check_new_now("correct horse battery staple", "a@example.org"), Ok(()));
        assert_eq!(check_new_now("gR7#vq!2Lp9@xZ", "a@example.org"), Ok(()));
    }

    /// zxcvbn's cost grows faster than the password (issue 24, 1): it judges the first 32
    /// characters, so a weak start is not made strong by what follows it.
    #[test]
    fn the_strength_check_reads_the_first_32_characters() {
        let weak_start = format!("{}{}", "a".repeat(JUDGED_CHARS), "gR7#vq!2Lp9@xZ");
        assert_eq!(check_new_now(&weak_start, "a@example.org"), Err(AppError::PasswordTooCommon));
        let strong_start = format!("{}{}", "gR7#vq!2Lp9@xZ", "a".repeat(JUDGED_CHARS));
        assert_eq!(check_new_now(&strong_start, "a@example.org"), Ok(()));
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let a = hash("same password".into(), Share::AccountHolder).await.unwrap();
        let b = hash("same password".into(), Share::AccountHolder).await.unwrap();
        assert_ne!(a, b);
    }
}
