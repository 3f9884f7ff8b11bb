//! The notice as CSV: UTF-8 with a byte-order mark (so Excel opens the Chinese words correctly),
//! one line per area with each figure this month and last month, then the overdue cases.

use std::io::Write;
use std::path::Path;

use gridwork_domain::report::MonthlyNotice;

use super::labels;

/// Writes the CSV.
pub fn write_csv(notice: &MonthlyNotice, path: &Path) -> std::io::Result<()> {
    let mut out = String::from("\u{feff}");
    let mut head = vec!["区域编码".to_owned(), "区域".to_owned(), "层级".to_owned()];
    for key in &notice.columns {
        head.push(format!("{}(本月 {})", labels::column(key), notice.month));
        head.push(format!("{}(上月 {})", labels::column(key), notice.previous_month));
    }
    line(&mut out, &head);
    for row in std::iter::once(&notice.total).chain(&notice.rows) {
        let mut fields = vec![row.area.to_string(), row.name.clone(), labels::level(&row.level).to_owned()];
        for cell in &row.cells {
            fields.push(labels::text(&cell.key, cell.value));
            fields.push(labels::text(&cell.key, cell.previous));
        }
        line(&mut out, &fields);
    }
    out.push_str("\r\n");
    line(&mut out, &["逾期案件", "区域", "类别", "所处环节", "应办时限", "逾期天数", "案情"].map(str::to_owned));
    for o in &notice.overdue {
        line(
            &mut out,
            &[
                o.dispute.to_string(),
                o.area_name.clone(),
                labels::category(
                    &serde_json::to_value(o.category)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                )
                .to_owned(),
                labels::step(&o.step).to_owned(),
                labels::china_time(o.due_ms),
                o.days_overdue.to_string(),
                o.description.clone(),
            ],
        );
    }
    let mut file = std::fs::File::create(path)?;
    file.write_all(out.as_bytes())?;
    file.sync_all()
}

/// One CSV line (RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled).
fn line(out: &mut String, fields: &[String]) {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() })
        .collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}
