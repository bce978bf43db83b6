//! Temporary access codes: 16 characters of the backup codes' alphabet (80 bits from the OS
//! CSPRNG), shown in groups of four, kept as their SHA-256.

use rand::rngs::OsRng;
use rand::Rng;

use super::tokens::sha256_hex;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CODE_CHARS: usize = 16;

/// A new code, as the administrator reads it out: `abcd-efgh-jkmn-pqrs`.
pub fn generate() -> String {
    let mut rng = OsRng;
    let chars: Vec<char> =
        (0..CODE_CHARS).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The canonical form of a typed code (16 alphabet characters), or `None` when it cannot be one.
/// Spaces and dashes do not count; look-alikes are read as the alphabet's characters.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            'u' => 'v',
            other => other,
        })
        .collect();
    (code.len() == CODE_CHARS && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
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
