//! Highlight points (亮点加分) a township supervisor or the banner centre awards a grid or a village
//! for the quarterly ranking, on top of the uniform template's score: a record that syncs and is
//! audited like any other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::ids::AreaCode;
use crate::record::{Record, RecordKind};
use crate::report::parse_quarter;
use crate::validate::Check;

/// The most points one award may give or take away.
pub const MAX_POINTS: i32 = 20;

/// Length of a village's area code (banner 6 + township 3 + village 3).
const VILLAGE_CODE_LEN: usize = 12;
/// Length of a grid's area code.
const GRID_CODE_LEN: usize = 15;

/// Points for one grid or village in one quarter, with the reason; withdrawn rather than deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Highlight {
    /// The grid or village awarded (its area code is the record's scope).
    pub area: AreaCode,
    /// The ranking's quarter, `2026Q4`.
    pub quarter: String,
    /// −20 to 20, never 0: deductions are negative.
    pub points: i32,
    pub reason: String,
    pub awarded_by: String,
    pub awarded_at: DateTime<Utc>,
    /// Taken back: the points no longer count (the record stays, for the audit).
    #[serde(default)]
    pub withdrawn: bool,
}

impl Record for Highlight {
    const KIND: RecordKind = RecordKind::Highlight;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        let len = self.area.as_str().len();
        if len != VILLAGE_CODE_LEN && len != GRID_CODE_LEN {
            c.fail("area", "format", format!("'{}' is not a village's or a grid's area code", self.area));
        }
        if let Err(e) = parse_quarter(&self.quarter) {
            c.fail("quarter", "format", e.to_string());
        }
        if self.points == 0 || self.points.abs() > MAX_POINTS {
            c.fail("points", "range", format!("points must be between -{MAX_POINTS} and {MAX_POINTS}, and not 0"));
        }
        c.required("reason", &self.reason, 200);
        c.required("awarded_by", &self.awarded_by, 30);
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.area
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn award(area: &str, quarter: &str, points: i32, reason: &str) -> Highlight {
        Highlight {
            area: AreaCode::parse(area).unwrap(),
            quarter: quarter.into(),
            points,
            reason: reason.into(),
            awarded_by: "李娜".into(),
            awarded_at: Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap(),
            withdrawn: false,
        }
    }

    fn fields(h: &Highlight) -> Vec<String> {
        h.validate().err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn awards_are_checked() {
        let ok: [(&str, &str, i32); 4] = [
            ("150621001001", "2026Q4", 5),
            ("150621001001001", "2026Q1", -3),
            ("150621001001001", "2026Q4", MAX_POINTS),
            ("150621001001", "2026Q4", -MAX_POINTS),
        ];
        for (area, quarter, points) in ok {
            assert_eq!(
                fields(&award(area, quarter, points, "矛盾调处成效突出")),
                Vec::<String>::new(),
                "{area} {quarter} {points}"
            );
        }
        let bad: [(&str, &str, i32, &str, &str); 7] = [
            ("150621001", "2026Q4", 5, "好", "area"),
            ("150621001001001001", "2026Q4", 5, "好", "area"),
            ("150621001001", "2026Q5", 5, "好", "quarter"),
            ("150621001001", "2026-11", 5, "好", "quarter"),
            ("150621001001", "2026Q4", 0, "好", "points"),
            ("150621001001", "2026Q4", 21, "好", "points"),
            ("150621001001", "2026Q4", 5, " ", "reason"),
        ];
        for (area, quarter, points, reason, field) in bad {
            assert_eq!(
                fields(&award(area, quarter, points, reason)),
                vec![field.to_owned()],
                "{area} {quarter} {points}"
            );
        }
        assert_eq!(fields(&award("150621001001", "2026Q4", 5, &"长".repeat(201))), vec!["reason".to_owned()]);
    }
}
