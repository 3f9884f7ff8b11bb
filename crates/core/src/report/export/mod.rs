//! Writing the monthly notice to files: an XLSX workbook (the notice, its overdue cases and the
//! quarter's ranking) and a CSV of the notice, both named for the scope and the month.

mod csv;
mod labels;
mod xlsx;

use std::path::Path;

use gridwork_domain::report::{ExportedNotice, quarter_of_month};
use gridwork_domain::{AreaCode, ValidationError};

use crate::engine::Engine;
use crate::error::{CoreError, Result};

pub use csv::write_csv;
pub use xlsx::{FIRST_AREA_ROW, NOTICE_SHEET, OVERDUE_SHEET, RANKING_SHEET, write_xlsx};

impl Engine {
    /// Writes the notice of `month` for an area (`None`: the device's scope) into `dir`, counted now.
    pub fn export_notice(&self, month: &str, scope: Option<&AreaCode>, dir: &Path) -> Result<ExportedNotice> {
        self.export_notice_at(month, scope, dir, self.report_now())
    }

    /// Writes the notice as counted at `as_of_ms`: `月通报-<scope>-<month>.xlsx` and `.csv`.
    pub fn export_notice_at(
        &self,
        month: &str,
        scope: Option<&AreaCode>,
        dir: &Path,
        as_of_ms: i64,
    ) -> Result<ExportedNotice> {
        let notice = self.monthly_notice_at(month, scope, as_of_ms)?;
        let quarter = quarter_of_month(&notice.month).map_err(|e| CoreError::Validation(vec![e.into()]))?;
        let ranking = self.ranking_at(&quarter, Some(&notice.scope), as_of_ms)?;
        if !dir.is_dir() {
            return Err(unwritable(dir, "no such folder"));
        }
        let stem = format!("月通报-{}-{}", notice.scope, notice.month);
        let xlsx = dir.join(format!("{stem}.xlsx"));
        let csv = dir.join(format!("{stem}.csv"));
        write_xlsx(&notice, &ranking, &xlsx).map_err(|e| unwritable(&xlsx, &e.to_string()))?;
        write_csv(&notice, &csv).map_err(|e| unwritable(&csv, &e.to_string()))?;
        Ok(ExportedNotice { xlsx: xlsx.display().to_string(), csv: csv.display().to_string() })
    }
}

/// A file that could not be written, refused as the `dir` the caller gave.
fn unwritable(path: &Path, why: &str) -> CoreError {
    CoreError::Validation(vec![ValidationError::coded(
        "dir",
        "unwritable",
        format!("{} cannot be written: {why}", path.display()),
    )])
}
