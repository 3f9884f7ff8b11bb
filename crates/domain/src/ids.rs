//! Identifiers: UUIDv7 record ids, device ids and hierarchical area codes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::error::ValidationError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| ValidationError::new("id", format!("'{s}' is not a UUID")))
            }
        }
    };
}

uuid_id!(
    /// The id of one record (household, visit, dispute, dispute event, card issuance).
    RecordId
);
uuid_id!(
    /// The id of one handset (or the server itself, which also writes records).
    DeviceId
);

/// A hierarchical area code: banner `150621`, township +3 digits, village +3, grid +3, micro-grid +3.
/// Every area's code starts with its parent's, so "inside area X" is a prefix test.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct AreaCode(String);

impl AreaCode {
    /// Checks and wraps a code: 6 to 18 ASCII digits, a multiple of 3 long.
    pub fn parse(code: &str) -> Result<Self, ValidationError> {
        let code = code.trim();
        if code.len() < 6 || code.len() > 18 || code.len() % 3 != 0 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new(
                "area_code",
                format!("'{code}' is not an area code (6 to 18 digits, a multiple of 3)"),
            ));
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &AreaCode) -> bool {
        self.0.starts_with(&other.0)
    }

    /// The code of the enclosing area, if any.
    pub fn parent(&self) -> Option<AreaCode> {
        (self.0.len() > 6).then(|| AreaCode(self.0[..self.0.len() - 3].to_owned()))
    }

    /// The code of child number `n` (1-based) of this area.
    pub fn child(&self, n: u32) -> AreaCode {
        assert!((1..=999).contains(&n), "child number out of range");
        AreaCode(format!("{}{n:03}", self.0))
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AreaCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<AreaCode> for String {
    fn from(c: AreaCode) -> String {
        c.0
    }
}

impl FromStr for AreaCode {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_codes_nest_by_prefix() {
        let banner = AreaCode::parse("150621").unwrap();
        let town = banner.child(1);
        let village = town.child(12);
        assert_eq!(village.as_str(), "150621001012");
        assert!(village.is_within(&banner));
        assert!(!banner.is_within(&village));
        assert_eq!(village.parent(), Some(town));
        assert_eq!(banner.parent(), None);
    }

    #[test]
    fn bad_area_codes_are_refused() {
        for bad in ["", "15062", "1506211", "15062a", "1506210010010010010"] {
            assert!(AreaCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn record_ids_are_time_ordered() {
        let a = RecordId::new();
        let b = RecordId::new();
        assert!(a < b);
        assert_eq!(a.0.get_version_num(), 7);
        assert_eq!(a.to_string().parse::<RecordId>().unwrap(), a);
        assert!("not-a-uuid".parse::<RecordId>().is_err());
    }
}
