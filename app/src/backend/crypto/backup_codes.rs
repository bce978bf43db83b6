//! Backup codes: ten single-use codes of 50 bits each, shown once and stored only as salted
//! argon2id hashes.
//!
//! A code is `xxxxx-xxxxx` over Crockford's base32 alphabet (no i, l, o or u), so that 0/o and
//! 1/i/l cannot be confused: a typed o counts as 0, an i or l as 1.

use leptos_i18n::td_string;
use rand::{rngs::OsRng, Rng};

use super::passwords;
use crate::error::AppError;
use crate::i18n::{fill, Locale};
use crate::two_factor::BACKUP_CODE_COUNT;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CODE_CHARS: usize = 10;

/// `count` characters of the alphabet from the OS CSPRNG (5 bits each); temporary access codes
/// are made of them too.
pub(super) fn random_chars(count: usize) -> String {
    let mut rng = OsRng;
    (0..count).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// What was typed, read as `count` characters of the alphabet: spaces and dashes left out, case
/// ignored, o read as 0 and i or l as 1. `None` when it cannot be such a code.
pub(super) fn canonical(input: &str, count: usize) -> Option<String> {
    let code: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (code.len() == count && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// One new code, as shown to the user.
pub fn generate_one() -> String {
    let chars = random_chars(CODE_CHARS);
    format!("{}-{}", &chars[..5], &chars[5..])
}

pub fn generate() -> Vec<String> {
    (0..BACKUP_CODE_COUNT).map(|_| generate_one()).collect()
}

/// The canonical form of a typed backup code (ten alphabet characters, no separator), or
/// `None` when it cannot be one.
pub fn normalize(input: &str) -> Option<String> {
    canonical(input, CODE_CHARS)
}

/// Salted argon2id hashes of the codes, on the hashing threads (see `passwords`).
pub async fn hash_all(codes: &[String]) -> Result<Vec<String>, AppError> {
    let mut hashes = Vec::with_capacity(codes.len());
    for code in codes {
        let canonical = normalize(code)
            .ok_or_else(|| AppError::internal("hashing backup codes", "generated code is malformed"))?;
        hashes.push(passwords::hash(canonical, passwords::Share::AccountHolder).await?);
    }
    Ok(hashes)
}

/// The index of the hash that `canonical` matches, if any.
pub async fn find_match(canonical: &str, hashes: &[String]) -> Result<Option<usize>, AppError> {
    for (index, hash) in hashes.iter().enumerate() {
        if passwords::verify(canonical.to_owned(), hash.clone()).await? {
            return Ok(Some(index));
        }
    }
    Ok(None)
}

/// The text of the downloadable file, in `locale`: what the codes are for, whose they are, and
/// how to use them.
pub fn file_text(issuer: &str, account: &str, date: &str, codes: &[String], locale: Locale) -> String {
    let title = fill(td_string!(locale, mail.backup_file_title), &[("issuer", issuer)]);
    let account_label = td_string!(locale, mail.backup_file_account);
    let created_label = td_string!(locale, mail.backup_file_created);
    let explanation = td_string!(locale, mail.backup_file_explanation);
    let mut text =
        format!("{title}\n\n{account_label}: {account}\n{created_label}: {date}\n\n{explanation}\n\n");
    for code in codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_fifty_bits_in_an_easy_form() {
        // 10 characters of a 32-character alphabet: 10 × 5 = 50 bits.
        assert_eq!(ALPHABET.len(), 32);
        let codes = generate();
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
            assert!(normalize(code).is_some(), "{code}");
            assert!(!code.contains(['i', 'l', 'o', 'u']));
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn typing_variants_of_a_code_are_the_same_code() {
        let canonical = normalize("ab1c0-de2fg").unwrap();
        for typed in ["AB1C0-DE2FG", "ab1c0de2fg", " ab1c0 de2fg ", "abIcO-de2fg", "abLc0-de2fg"] {
            assert_eq!(normalize(typed).as_deref(), Some(canonical.as_str()), "{typed}");
        }
        for bad in ["", "ab1c0-de2f", "ab1c0-de2fgh", "abuc0-de2fg", "ab1c0_de2fg"] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_file_says_what_the_codes_are_in_the_language_asked_for() {
        let codes = vec!["abcde-12345".to_owned(), "fghjk-67890".to_owned()];
        let english = file_text("WebApp", "ann@example.com", "2026-11-28", &codes, Locale::en);
        assert_eq!(
            english,
            "WebApp backup codes\n\nAccount: ann@example.com\nCreated: 2026-11-28\n\n\
             Each code works once. When your authenticator app is not available, enter one of these\n\
             codes instead of the 6-digit code when you log in. Keep this file somewhere safe.\n\n\
             abcde-12345\nfghjk-67890\n"
        );
        let dutch = file_text("WebApp", "ann@example.com", "2026-11-28", &codes, Locale::nl);
        assert!(dutch
            .starts_with("Back-upcodes voor WebApp\n\nAccount: ann@example.com\nGemaakt: 2026-11-28\n\n"));
        assert!(dutch.contains("Elke code werkt één keer."), "{dutch}");
        assert!(dutch.ends_with("\n\nabcde-12345\nfghjk-67890\n"), "{dutch}");
        assert_eq!(dutch.lines().count(), english.lines().count(), "the same layout");
    }

    #[tokio::test]
    async fn a_code_matches_only_its_own_salted_hash() {
        let codes = vec![generate_one(), generate_one()];
        let hashes = hash_all(&codes).await.unwrap();
        assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));
        assert!(!hashes.iter().any(|h| h.contains(&normalize(&codes[0]).unwrap())));
        let second = normalize(&codes[1]).unwrap();
        assert_eq!(find_match(&second, &hashes).await.unwrap(), Some(1));
        assert_eq!(find_match(&normalize(&generate_one()).unwrap(), &hashes).await.unwrap(), None);
    }
}
