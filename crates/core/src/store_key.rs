//! The store's data key: 256 random bits that SQLCipher encrypts every page with. Kept in memory
//! only while the store is open, wiped from memory when dropped, never printed.

use rand::RngCore;
use zeroize::Zeroizing;

/// The key of one encrypted store. `Debug` shows `StoreKey(…)`, never the bytes.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl StoreKey {
    /// A new key from the operating system's random source.
    pub fn random() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(key.as_mut());
        Self(key)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as SQLCipher's raw-key literal `x'<64 hex digits>'`: given so, SQLCipher uses it as
    /// it is and skips its own PBKDF2 (the key is random already; the PIN's stretching is Argon2id's).
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.0.iter() {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        s.push('\'');
        s
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_bytes_and_the_literal_is_raw_hex() {
        let k = StoreKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{k:?}"), "StoreKey(…)");
        let lit = k.sqlcipher_literal();
        assert_eq!(lit.len(), 67);
        assert!(lit.starts_with("x'abab") && lit.ends_with("ab'"), "{}", &*lit);
        assert_ne!(StoreKey::random().bytes(), StoreKey::random().bytes());
    }
}
