//! Temporary access codes: 16 characters of the backup codes' alphabet (80 bits from the OS
//! CSPRNG), shown in groups of four, kept as their SHA-256.

use super::backup_codes::{canonical, random_chars};
use super::tokens::sha256_hex;

const CODE_CHARS: usize = 16;

/// A new code, as the administrator reads it out: `abcd-efgh-jkmn-pqrs`.
pub fn generate() -> String {
    let chars: Vec<char> = random_chars(CODE_CHARS).chars().collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The canonical form of a typed code (16 alphabet characters), or `None` when it cannot be one,
/// read as a backup code is.
pub fn normalize(input: &str) -> Option<String> {
    canonical(input, CODE_CHARS)
}

/// What the table keeps of a canonical code.
pub fn hash(canonical: &str) -> String {
    sha256_hex(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_sixteen_characters_in_groups_and_reads_back() {
        let code = generate();
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let canonical = normalize(&code).unwrap();
        assert_eq!(normalize(&code.to_uppercase().replace('-', " ")), Some(canonical.clone()));
        assert_ne!(generate(), code);
        assert_eq!(normalize("abcd-efgh-jkmn"), None);
        assert_eq!(hash(&canonical).len(), 64);
    }
}
