//! Contact-card serials: 8-digit block + 3-digit number + a Damm check digit, which catches every
//! mistyped digit and every swap of two neighbouring digits. A device only issues serials from a
//! block it holds, so two offline handsets can never issue the same serial.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::ValidationError;

/// Serials per block.
pub const BLOCK_SIZE: u32 = 1000;
/// Blocks at and above this number are fallback blocks taken from a device's roster number, for
/// devices that have not yet been handed a block by the server.
pub const FALLBACK_BLOCK_BASE: u32 = 90_000_000;

const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The Damm check digit of a string of ASCII digits.
pub fn damm_digit(digits: &str) -> u8 {
    digits.bytes().fold(0u8, |interim, b| DAMM[interim as usize][(b - b'0') as usize])
}

/// A checked 12-digit card serial.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct CardSerial(String);

impl CardSerial {
    /// Reads a serial as typed: spaces and dashes are ignored; the check digit must match.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::coded(
                "serial",
                "format",
                format!("'{input}' is not a card serial (12 digits)"),
            ));
        }
        if damm_digit(&digits) != 0 {
            return Err(ValidationError::coded(
                "serial",
                "check_digit",
                format!("'{input}' has a wrong check digit: a digit was mistyped or two were swapped"),
            ));
        }
        Ok(Self(digits))
    }

    fn from_parts(block: u32, number: u32) -> Self {
        let body = format!("{block:08}{number:03}");
        let check = damm_digit(&body);
        Self(format!("{body}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn block(&self) -> u32 {
        self.0[..8].parse().unwrap_or(0)
    }

    /// The serial grouped for printing: `1234 5678 9012`.
    pub fn grouped(&self) -> String {
        format!("{} {} {}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

impl fmt::Display for CardSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CardSerial {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CardSerial> for String {
    fn from(s: CardSerial) -> String {
        s.0
    }
}

/// A block of serials held by one device, and how many it has used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialBlock {
    pub block: u32,
    pub used: u32,
}

impl SerialBlock {
    /// A block handed out by the server (1 ..= 89,999,999).
    pub fn assigned(block: u32) -> Result<Self, ValidationError> {
        if block == 0 || block >= FALLBACK_BLOCK_BASE {
            return Err(ValidationError::coded(
                "block",
                "range",
                format!("block {block} is outside 1..{FALLBACK_BLOCK_BASE}"),
            ));
        }
        Ok(Self { block, used: 0 })
    }

    /// The fallback block of the device with roster number `device_no` (1 ..= 9,999,999), used
    /// until the server hands the device a block.
    pub fn fallback(device_no: u32) -> Result<Self, ValidationError> {
        if device_no == 0 || device_no >= 100_000_000 - FALLBACK_BLOCK_BASE {
            return Err(ValidationError::coded(
                "device_no",
                "range",
                format!("device number {device_no} is outside 1..9999999"),
            ));
        }
        Ok(Self { block: FALLBACK_BLOCK_BASE + device_no, used: 0 })
    }

    /// The next serial, or `None` when the block is used up.
    pub fn issue(&mut self) -> Option<CardSerial> {
        (self.used < BLOCK_SIZE).then(|| {
            let s = CardSerial::from_parts(self.block, self.used);
            self.used += 1;
            s
        })
    }

    pub fn remaining(&self) -> u32 {
        BLOCK_SIZE - self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damm_known_value() {
        // The textbook example: 572 → check digit 4.
        assert_eq!(damm_digit("572"), 4);
        assert_eq!(damm_digit("5724"), 0);
    }

    #[test]
    fn every_single_digit_error_and_neighbour_swap_is_caught() {
        let mut block = SerialBlock::assigned(12_345_678).unwrap();
        for _ in 0..50 {
            let s = block.issue().unwrap();
            let d: Vec<u8> = s.as_str().bytes().collect();
            for i in 0..d.len() {
                for wrong in b'0'..=b'9' {
                    if wrong != d[i] {
                        let mut t = d.clone();
                        t[i] = wrong;
                        assert!(CardSerial::parse(std::str::from_utf8(&t).unwrap()).is_err());
                    }
                }
                if i + 1 < d.len() && d[i] != d[i + 1] {
                    let mut t = d.clone();
                    t.swap(i, i + 1);
                    assert!(CardSerial::parse(std::str::from_utf8(&t).unwrap()).is_err());
                }
            }
        }
    }

    #[test]
    fn blocks_issue_distinct_serials_until_used_up() {
        let mut a = SerialBlock::fallback(1).unwrap();
        let mut b = SerialBlock::fallback(2).unwrap();
        let mut seen = std::collections::HashSet::new();
        while let Some(s) = a.issue() {
            assert!(seen.insert(s));
        }
        while let Some(s) = b.issue() {
            assert!(seen.insert(s));
        }
        assert_eq!(seen.len(), 2 * BLOCK_SIZE as usize);
        assert_eq!(a.remaining(), 0);
        assert!(SerialBlock::assigned(FALLBACK_BLOCK_BASE).is_err());
        assert!(SerialBlock::fallback(0).is_err());
    }

    #[test]
    fn typed_serials_are_read_leniently_and_printed_grouped() {
        let s = SerialBlock::assigned(7).unwrap().issue().unwrap();
        let typed = s.grouped().replace(' ', "-");
        assert_eq!(CardSerial::parse(&typed).unwrap(), s);
        assert_eq!(s.block(), 7);
        assert_eq!(CardSerial::parse("12").unwrap_err().code, "format");
    }
}
