//! The township office's figures as pure data: report periods in China time, percentiles, what
//! each dashboard number counts, the monthly notice's rows and the quarterly ranking's template.
//! The engine (gridwork-core) counts; this module says what is counted and how it scores.

mod error;
mod figure;
mod notice;
pub mod percentile;
mod period;
mod ranking;
pub mod steps;
pub mod template;

#[cfg(test)]
mod tests;

pub use error::ReportError;
pub use figure::{
    CloseTime, Count, CoverageRow, Dashboard, Figure, FigureItem, FigureItemKind, FigureList, FigureQuery, MAX_PAGE,
    MonthCategories, Share,
};
pub use notice::{ExportedNotice, MonthlyNotice, NOTICE_COLUMNS, NoticeCell, NoticeRow, OverdueCase, column_unit};
pub use period::{
    CHINA_OFFSET_MS, MAX_CUSTOM_DAYS, Period, PeriodSpec, china_date, day_start_ms, month_of, parse_month,
    parse_quarter, previous_month, quarter_of, quarter_of_month,
};
pub use ranking::{RankRow, Ranking, ScorePart, ScoreWeight};
