//! One-time enrollment codes: 12 random characters of an alphabet without look-alikes (no 0/O,
//! 1/I/L), printed in groups of four for typing on a phone, and stored only as their SHA-256.

use rand::Rng;
use sha2::{Digest, Sha256};

/// The characters of a code: capital letters and digits, without the ones easily confused.
pub const ALPHABET: &[u8] = gridwork_domain::enroll_link::CODE_ALPHABET;
/// Characters in a code: 31^12 ≈ 2^59 codes, so guessing one is hopeless even without the lockout.
pub const LEN: usize = gridwork_domain::enroll_link::CODE_LEN;
/// How long a code stays valid unless the creator says otherwise.
pub const DEFAULT_VALID_DAYS: u32 = 7;

/// A fresh code, grouped: `ABCD-EFGH-JKMN`.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let raw: String = (0..LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    group(&raw)
}

fn group(raw: &str) -> String {
    raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c)).collect::<Vec<_>>().join("-")
}

/// A code as typed, read the way it was meant: case, spaces and dashes do not matter.
pub fn normalize(typed: &str) -> String {
    typed.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).flat_map(char::to_uppercase).collect()
}

/// What the store keeps of a code: the SHA-256 (hex) of its normalized form.
pub fn hash_code(typed: &str) -> String {
    hex::encode(Sha256::digest(normalize(typed).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_grouped_and_of_the_alphabet() {
        let (a, b) = (new_code(), new_code());
        assert_ne!(a, b);
        assert_eq!(a.len(), LEN + 2);
        assert_eq!(a.matches('-').count(), 2);
        assert!(normalize(&a).bytes().all(|c| ALPHABET.contains(&c)), "{a}");
    }

    #[test]
    fn typing_variants_hash_alike() {
        let code = "ABCD-EFGH-JK23";
        for typed in ["abcd efgh jk23", "ABCDEFGHJK23", " abcd-EFGH-jk23 "] {
            assert_eq!(hash_code(typed), hash_code(code), "{typed}");
        }
        assert_ne!(hash_code("ABCD-EFGH-JK24"), hash_code(code));
    }
}
