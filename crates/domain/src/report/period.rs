//! Report periods: a month ("2026-11"), a quarter ("2026Q4") or custom inclusive dates, turned into
//! millisecond bounds of China Standard Time days (UTC+8, no daylight saving).

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::error::ReportError;

/// China Standard Time's offset from UTC, in milliseconds (UTC+8 all year).
pub const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;

/// The longest custom period: two years and a day.
pub const MAX_CUSTOM_DAYS: i64 = 731;

/// What the office asks figures for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PeriodSpec {
    /// A calendar month, `"2026-11"`.
    Month { month: String },
    /// A calendar quarter, `"2026Q4"`.
    Quarter { quarter: String },
    /// From one date to another, both included: `"2026-11-03"`.
    Custom { from: String, to: String },
}

/// A period's bounds: `[from_ms, to_ms)`, each at midnight China time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Period {
    /// `"2026-11"`, `"2026Q4"` or `"2026-11-03..2026-11-20"`.
    pub label: String,
    pub from_ms: i64,
    /// Exclusive.
    pub to_ms: i64,
}

impl Period {
    /// True when the instant lies inside the period.
    pub fn contains(&self, ms: i64) -> bool {
        self.from_ms <= ms && ms < self.to_ms
    }

    /// The months (`"2026-11"`) the period touches, in order.
    pub fn months(&self) -> Vec<String> {
        let first = china_date(self.from_ms);
        let last = china_date(self.to_ms - 1);
        let mut out = Vec::new();
        let (mut y, mut m) = (first.year(), first.month());
        while (y, m) <= (last.year(), last.month()) {
            out.push(format!("{y:04}-{m:02}"));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }
}

impl PeriodSpec {
    /// Checks the spec and computes its bounds.
    pub fn resolve(&self) -> Result<Period, ReportError> {
        match self {
            Self::Month { month } => month_period(month),
            Self::Quarter { quarter } => quarter_period(quarter),
            Self::Custom { from, to } => {
                let f = parse_date("from", from)?;
                let t = parse_date("to", to)?;
                if t < f {
                    return Err(ReportError::Reversed { from: from.trim().to_owned(), to: to.trim().to_owned() });
                }
                let days = (t - f).num_days() + 1;
                if days > MAX_CUSTOM_DAYS {
                    return Err(ReportError::TooLong { days, max: MAX_CUSTOM_DAYS });
                }
                Ok(Period {
                    label: format!("{f}..{t}"),
                    from_ms: day_start_ms(f),
                    to_ms: day_start_ms(t + Duration::days(1)),
                })
            }
        }
    }
}

/// Midnight of a date in China time, as milliseconds since the epoch.
pub fn day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp_millis() - CHINA_OFFSET_MS
}

/// The China-time calendar date of an instant.
pub fn china_date(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms + CHINA_OFFSET_MS).map(|d| d.date_naive()).unwrap_or_default()
}

/// The month (`"2026-11"`) an instant falls in, China time.
pub fn month_of(ms: i64) -> String {
    let d = china_date(ms);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The quarter (`"2026Q4"`) an instant falls in, China time.
pub fn quarter_of(ms: i64) -> String {
    let d = china_date(ms);
    format!("{:04}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The month before `"2026-01"` is `"2025-12"`.
pub fn previous_month(month: &str) -> Result<String, ReportError> {
    let (y, m) = parse_month(month)?;
    Ok(if m == 1 { format!("{:04}-12", y - 1) } else { format!("{y:04}-{:02}", m - 1) })
}

/// The quarter a month belongs to: `"2026-11"` → `"2026Q4"`.
pub fn quarter_of_month(month: &str) -> Result<String, ReportError> {
    let (y, m) = parse_month(month)?;
    Ok(format!("{y:04}Q{}", (m - 1) / 3 + 1))
}

/// Checks `"YYYY-MM"` (years 2000 to 2099).
pub fn parse_month(month: &str) -> Result<(i32, u32), ReportError> {
    let bad = || ReportError::BadMonth(month.to_owned());
    let s = month.trim();
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(2000..=2099).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

/// Checks `"YYYYQn"` (years 2000 to 2099, n 1 to 4; a lower-case q is accepted).
pub fn parse_quarter(quarter: &str) -> Result<(i32, u32), ReportError> {
    let bad = || ReportError::BadQuarter(quarter.to_owned());
    let s = quarter.trim();
    let (y, q) = s.split_once(['Q', 'q']).ok_or_else(bad)?;
    if y.len() != 4 || q.len() != 1 || !y.bytes().chain(q.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (y, q): (i32, u32) = (y.parse().map_err(|_| bad())?, q.parse().map_err(|_| bad())?);
    if !(2000..=2099).contains(&y) || !(1..=4).contains(&q) {
        return Err(bad());
    }
    Ok((y, q))
}

fn month_period(month: &str) -> Result<Period, ReportError> {
    let (y, m) = parse_month(month)?;
    let from = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| ReportError::BadMonth(month.to_owned()))?;
    let to = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    let to = to.ok_or_else(|| ReportError::BadMonth(month.to_owned()))?;
    Ok(Period { label: format!("{y:04}-{m:02}"), from_ms: day_start_ms(from), to_ms: day_start_ms(to) })
}

fn quarter_period(quarter: &str) -> Result<Period, ReportError> {
    let (y, q) = parse_quarter(quarter)?;
    let bad = || ReportError::BadQuarter(quarter.to_owned());
    let from = NaiveDate::from_ymd_opt(y, 3 * q - 2, 1).ok_or_else(bad)?;
    let to = if q == 4 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, 3 * q + 1, 1) };
    let to = to.ok_or_else(bad)?;
    Ok(Period { label: format!("{y:04}Q{q}"), from_ms: day_start_ms(from), to_ms: day_start_ms(to) })
}

fn parse_date(field: &'static str, s: &str) -> Result<NaiveDate, ReportError> {
    let t = s.trim();
    let well_formed = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if well_formed && (2000..=2099).contains(&d.year()) => Ok(d),
        _ => Err(ReportError::BadDate { field, value: s.to_owned() }),
    }
}
