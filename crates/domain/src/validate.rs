//! Field checks shared by every record type: each collects a clear message per bad field, so
//! bad input is refused whole and never becomes a half-valid record.

use crate::error::ValidationError;
use crate::geo::{GeoPoint, GpsFix};

/// Collects the problems of one record.
#[derive(Debug, Default)]
pub struct Check {
    errors: Vec<ValidationError>,
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(ValidationError::coded(field, code, message));
    }

    /// A text that must be present (after trimming) and at most `max` characters long.
    pub fn required(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(field, "required", format!("{field} must not be empty"));
        } else {
            self.max_len(field, value, max);
        }
    }

    /// A text of at most `max` characters (it may be empty).
    pub fn max_len(&mut self, field: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if n > max {
            self.fail(field, "too_long", format!("{field} is {n} characters long; at most {max} are allowed"));
        }
    }

    /// A Chinese mobile number (11 digits starting 13–19) or a landline (0 + area code + number,
    /// with or without a dash). Spaces are not allowed: the UI strips them.
    pub fn phone(&mut self, field: &str, value: &str) {
        if !is_phone(value) {
            self.fail(
                field,
                "phone",
                format!("'{value}' is not a phone number (mobile 1xxxxxxxxxx or landline 0xxx-xxxxxxx)"),
            );
        }
    }

    pub fn point(&mut self, field: &str, p: &GeoPoint) {
        if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
            self.fail(&format!("{field}.lat"), "range", format!("latitude {} is outside -90..90", p.lat));
        }
        if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
            self.fail(&format!("{field}.lon"), "range", format!("longitude {} is outside -180..180", p.lon));
        }
    }

    pub fn fix(&mut self, field: &str, f: &GpsFix) {
        self.point(field, &f.point);
        if !(f.accuracy_m.is_finite() && (0.0..=10_000.0).contains(&f.accuracy_m)) {
            self.fail(
                &format!("{field}.accuracy_m"),
                "range",
                format!("accuracy {} m is outside 0..10000 m", f.accuracy_m),
            );
        }
    }

    /// A money amount in yuan: finite, not negative, at most ten billion.
    pub fn amount(&mut self, field: &str, yuan: f64) {
        if !(yuan.is_finite() && (0.0..=1e10).contains(&yuan)) {
            self.fail(field, "range", format!("amount {yuan} must be between 0 and 10,000,000,000 yuan"));
        }
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.fail(field, "range", format!("{field} is {value}; it must be between {min} and {max}"));
        }
    }

    pub fn finish(self) -> Result<(), Vec<ValidationError>> {
        if self.errors.is_empty() { Ok(()) } else { Err(self.errors) }
    }
}

/// Mobile `1[3-9]` + 9 digits, or landline `0` + 2–3 digit area code + 7–8 digit number.
pub fn is_phone(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 11 && digits(s) && s.starts_with('1') {
        return (b'3'..=b'9').contains(&s.as_bytes()[1]);
    }
    if !s.starts_with('0') {
        return false;
    }
    let (area, number) = match s.split_once('-') {
        Some((a, n)) => (a, n),
        None if digits(s) && (10..=12).contains(&s.len()) => return true,
        None => return false,
    };
    digits(area) && (3..=4).contains(&area.len()) && digits(number) && (7..=8).contains(&number.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_table() {
        for ok in ["13800138000", "19912345678", "0477-5123456", "010-12345678", "04775123456"] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in [
            "",
            "1380013800",
            "12800138000",
            "138001380001",
            "138-0013-8000",
            "abc",
            "0477-123",
            "477-5123456",
            "１３８００１３８０００",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn check_collects_every_problem() {
        let mut c = Check::new();
        c.required("name", "  ", 10);
        c.max_len("notes", "一二三四五六", 5);
        c.point("location", &GeoPoint { lat: 91.0, lon: f64::NAN });
        c.amount("amount_yuan", -1.0);
        let errors = c.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("name", "required"),
                ("notes", "too_long"),
                ("location.lat", "range"),
                ("location.lon", "range"),
                ("amount_yuan", "range")
            ]
        );
        assert!(errors[1].message.contains("6 characters"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut c = Check::new();
        c.max_len("name", "张伟", 2);
        assert!(c.finish().is_ok());
    }
}
