//! The worker's PIN: 6 to 12 digits, held in memory that is wiped when dropped.

use zeroize::Zeroizing;

use crate::error::{CoreError, Result};

/// A PIN as the worker typed it. `Debug` never shows it.
pub struct Pin(Zeroizing<String>);

impl Pin {
    pub const MIN_DIGITS: usize = 6;
    pub const MAX_DIGITS: usize = 12;

    /// A PIN of 6 to 12 digits (`bad_pin` otherwise, saying what a PIN is).
    pub fn new(s: &str) -> Result<Self> {
        let n = s.chars().count();
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&n) || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(CoreError::BadPin(format!(
                "a PIN is {} to {} digits (0-9), nothing else",
                Self::MIN_DIGITS,
                Self::MAX_DIGITS
            )));
        }
        Ok(Self(Zeroizing::new(s.to_owned())))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The digits (to compare a PIN with its confirmation).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_to_twelve_digits() {
        for ok in ["123456", "000000000000", "908172"] {
            assert!(Pin::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "12345", "1234567890123", "12345a", "１２３４５６", "123 456"] {
            let e = Pin::new(bad).unwrap_err();
            assert_eq!(e.tag(), "bad_pin");
            assert!(e.to_string().contains("6 to 12 digits"), "{e}");
        }
        assert_eq!(format!("{:?}", Pin::new("123456").unwrap()), "Pin(…)");
    }
}
