//! The township office's figures over the store: the dashboard and the list behind each of its
//! numbers, the monthly notice (and its XLSX and CSV files), the quarterly ranking. What is
//! counted and how it scores lives in `gridwork_domain::report`; this module counts it.

mod area_figures;
pub(crate) mod columns;
mod dashboard;
mod export;
mod list;
mod notice;
mod predicate;
mod ranking;
mod scope;

pub use export::{FIRST_AREA_ROW, NOTICE_SHEET, OVERDUE_SHEET, RANKING_SHEET, write_csv, write_xlsx};

/// A day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;
