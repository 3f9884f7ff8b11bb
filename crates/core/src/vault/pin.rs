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

    /// Refuses a PIN being set (at enrollment, or changed) that a thief would try first:
    /// `weak_pin` for one digit repeated (000000), a run up or down (123456, 987654, 890123), a
    /// block of two or three digits repeated (121212, 520520), or a favourite (5201314, 147258).
    /// A PIN already set still opens the store whatever it is.
    pub fn refuse_weak(&self) -> Result<()> {
        match weakness(self.0.as_bytes()) {
            Some(why) => Err(CoreError::WeakPin(format!("this PIN is too easy to guess ({why}): choose another"))),
            None => Ok(()),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The digits (to compare a PIN with its confirmation).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// PINs people choose often enough to be tried first, beyond repeats and runs (the keypad's
/// columns and diagonals, and the numbers that read as love words).
const FAVOURITES: [&str; 10] =
    ["147258", "147258369", "258369", "369258", "159357", "159753", "741852", "963852", "5201314", "1314520"];

/// Why the digits are weak, if they are.
fn weakness(d: &[u8]) -> Option<&'static str> {
    let step = |a: u8, b: u8| (i16::from(b) - i16::from(a)).rem_euclid(10);
    let steps: Vec<i16> = d.windows(2).map(|w| step(w[0], w[1])).collect();
    if steps.iter().all(|s| *s == 0) {
        return Some("one digit repeated");
    }
    if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == 9) {
        return Some("digits in a row");
    }
    if (2..=3).any(|n| d.len() % n == 0 && d.chunks(n).all(|c| c == &d[..n])) {
        return Some("a short block repeated");
    }
    FAVOURITES.iter().any(|f| f.as_bytes() == d).then_some("a PIN many people choose")
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

    #[test]
    fn a_new_pin_is_not_one_a_thief_tries_first() {
        let weak = [
            ("000000", "one digit repeated"),
            ("999999999", "one digit repeated"),
            ("123456", "in a row"),
            ("987654", "in a row"),
            ("890123", "in a row"),
            ("1234567890", "in a row"),
            ("121212", "block"),
            ("520520", "block"),
            ("123123123", "block"),
            ("5201314", "many people"),
            ("147258", "many people"),
        ];
        for (pin, why) in weak {
            let e = Pin::new(pin).unwrap().refuse_weak().unwrap_err();
            assert_eq!(e.tag(), "weak_pin", "{pin}");
            assert!(e.to_string().contains(why), "{pin}: {e}");
        }
        for ok in ["246810", "135790", "482913", "908172", "1212123", "86420975", "112358"] {
            if let Ok(pin) = Pin::new(ok) {
                assert!(pin.refuse_weak().is_ok(), "{ok}");
            }
        }
    }
}
