//! The notice as an XLSX workbook (rust_xlsxwriter): sheet 月通报 (each figure this month and last
//! month per area, with number formats), sheet 逾期案件 (the overdue list) and sheet 季度排名 (the
//! quarter's ranking of grids and villages).

use std::path::Path;

use gridwork_domain::report::{MonthlyNotice, NoticeRow, RankRow, Ranking, column_unit};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::labels::{self, NONE};

/// The sheets' names, as a reader finds them.
pub const NOTICE_SHEET: &str = "月通报";
pub const OVERDUE_SHEET: &str = "逾期案件";
pub const RANKING_SHEET: &str = "季度排名";

/// The row of the notice sheet where the areas start (0-based): title, as-of line, a blank
/// row and two heading rows come first.
pub const FIRST_AREA_ROW: u32 = 5;

struct Formats {
    title: Format,
    head: Format,
    text: Format,
    bold: Format,
    count: Format,
    share: Format,
    hours: Format,
    rating: Format,
    none: Format,
    score: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            head: cell.clone().set_bold().set_align(FormatAlign::Center).set_text_wrap().set_background_color(0xDDEBF7),
            text: cell.clone(),
            bold: cell.clone().set_bold(),
            count: cell.clone().set_num_format("0"),
            share: cell.clone().set_num_format("0.0%"),
            hours: cell.clone().set_num_format("0.0"),
            rating: cell.clone().set_num_format("0.00"),
            none: cell.clone().set_align(FormatAlign::Center),
            score: cell.set_num_format("0.00"),
        }
    }

    fn of(&self, key: &str) -> &Format {
        match column_unit(key) {
            "share" => &self.share,
            "hours" => &self.hours,
            "rating" => &self.rating,
            _ => &self.count,
        }
    }
}

/// Writes the workbook.
pub fn write_xlsx(notice: &MonthlyNotice, ranking: &Ranking, path: &Path) -> Result<(), XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    notice_sheet(book.add_worksheet(), notice, &f)?;
    overdue_sheet(book.add_worksheet(), notice, &f)?;
    ranking_sheet(book.add_worksheet(), ranking, &f)?;
    book.save(path)
}

/// Prints on A4 landscape, every column on one page's width (as many pages down as it takes),
/// with the page number and count in the footer.
fn print_setup(ws: &mut Worksheet, name: &str, title: &str) -> Result<(), XlsxError> {
    ws.set_name(name)?
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_header(format!("&C{title}"))
        .set_footer("&C&P / &N");
    Ok(())
}

fn notice_sheet(ws: &mut Worksheet, n: &MonthlyNotice, f: &Formats) -> Result<(), XlsxError> {
    print_setup(ws, NOTICE_SHEET, &format!("{} {} 月通报", n.scope_name, n.month))?;
    ws.write_string_with_format(0, 0, format!("{} {} 月通报", n.scope_name, n.month), &f.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "统计至 {}（北京时间）；上月为 {}；逾期为统计时仍逾期的本月上报案件",
            labels::china_time(n.as_of_ms),
            n.previous_month
        ),
    )?;
    ws.merge_range(3, 0, 4, 0, "区域", &f.head)?;
    ws.merge_range(3, 1, 4, 1, "层级", &f.head)?;
    for (i, key) in n.columns.iter().enumerate() {
        let c = 2 + 2 * i as u16;
        ws.merge_range(3, c, 3, c + 1, labels::column(key), &f.head)?;
        ws.write_string_with_format(4, c, "本月", &f.head)?;
        ws.write_string_with_format(4, c + 1, "上月", &f.head)?;
        ws.set_column_width(c, 11)?;
        ws.set_column_width(c + 1, 11)?;
    }
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 12)?;
    ws.set_freeze_panes(FIRST_AREA_ROW, 2)?;
    ws.set_repeat_rows(3, 4)?;
    for (r, row) in std::iter::once(&n.total).chain(&n.rows).enumerate() {
        notice_row(ws, FIRST_AREA_ROW + r as u32, row, r == 0, f)?;
    }
    Ok(())
}

fn notice_row(ws: &mut Worksheet, r: u32, row: &NoticeRow, bold: bool, f: &Formats) -> Result<(), XlsxError> {
    let indent = if row.level == "grid" { "　　" } else { "" };
    ws.write_string_with_format(r, 0, format!("{indent}{}", row.name), if bold { &f.bold } else { &f.text })?;
    ws.write_string_with_format(r, 1, labels::level(&row.level), &f.text)?;
    for (i, cell) in row.cells.iter().enumerate() {
        let c = 2 + 2 * i as u16;
        for (col, value) in [(c, cell.value), (c + 1, cell.previous)] {
            match value {
                Some(v) => ws.write_number_with_format(r, col, v, f.of(&cell.key))?,
                None => ws.write_string_with_format(r, col, NONE, &f.none)?,
            };
        }
    }
    Ok(())
}

fn overdue_sheet(ws: &mut Worksheet, n: &MonthlyNotice, f: &Formats) -> Result<(), XlsxError> {
    print_setup(ws, OVERDUE_SHEET, &format!("{} {} 逾期案件", n.scope_name, n.month))?;
    let heads = ["案件编号", "区域", "类别", "所处环节", "层级", "应办时限", "逾期天数", "案情"];
    let widths = [38.0, 18.0, 12.0, 12.0, 8.0, 18.0, 10.0, 50.0];
    for (c, (h, w)) in heads.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.head)?;
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, o) in n.overdue.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, o.dispute.to_string(), &f.text)?;
        ws.write_string_with_format(r, 1, &o.area_name, &f.text)?;
        ws.write_string_with_format(r, 2, labels::category(&wire(&o.category)), &f.text)?;
        ws.write_string_with_format(r, 3, labels::step(&o.step), &f.text)?;
        ws.write_string_with_format(r, 4, labels::mediation_level(&wire(&o.level)), &f.text)?;
        ws.write_string_with_format(r, 5, labels::china_time(o.due_ms), &f.text)?;
        ws.write_number_with_format(r, 6, o.days_overdue, &f.count)?;
        ws.write_string_with_format(r, 7, &o.description, &f.text)?;
    }
    Ok(())
}

fn ranking_sheet(ws: &mut Worksheet, k: &Ranking, f: &Formats) -> Result<(), XlsxError> {
    print_setup(ws, RANKING_SHEET, &format!("{} 季度排名", k.quarter))?;
    ws.write_string_with_format(0, 0, format!("{} 季度排名", k.quarter), &f.title)?;
    let weights: Vec<String> = k.weights.iter().map(|w| format!("{}{}", labels::part(&w.key), w.weight)).collect();
    ws.write_string(1, 0, format!("统一模板权重：{}；总分 = 模板得分 + 亮点加分", weights.join("、")))?;
    let mut r = 3;
    for (title, parent, rows) in
        [("网格", "所属嘎查村/社区", &k.grids), ("嘎查村/社区", "所属苏木镇/街道", &k.villages)]
    {
        ws.write_string_with_format(r, 0, title, &f.title)?;
        r += 1;
        let mut heads = vec!["排名".to_owned(), title.to_owned(), parent.to_owned()];
        heads.extend(k.weights.iter().map(|w| labels::part(&w.key).to_owned()));
        heads.extend(["模板得分", "亮点加分", "总分"].map(str::to_owned));
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, h, &f.head)?;
        }
        r += 1;
        for row in rows.iter() {
            rank_row(ws, r, row, f)?;
            r += 1;
        }
        r += 1;
    }
    ws.set_column_width(1, 20)?;
    ws.set_column_width(2, 20)?;
    Ok(())
}

fn rank_row(ws: &mut Worksheet, r: u32, row: &RankRow, f: &Formats) -> Result<(), XlsxError> {
    ws.write_number_with_format(r, 0, row.rank, &f.count)?;
    ws.write_string_with_format(r, 1, &row.name, &f.text)?;
    ws.write_string_with_format(r, 2, &row.parent_name, &f.text)?;
    for (i, p) in row.parts.iter().enumerate() {
        let c = 3 + i as u16;
        match p.raw {
            Some(_) => ws.write_number_with_format(r, c, p.score, &f.score)?,
            None => ws.write_string_with_format(r, c, NONE, &f.none)?,
        };
    }
    let c = 3 + row.parts.len() as u16;
    ws.write_number_with_format(r, c, row.template_score, &f.score)?;
    ws.write_number_with_format(r, c + 1, row.highlight_points, &f.count)?;
    ws.write_number_with_format(r, c + 2, row.total, &f.score)?;
    Ok(())
}

/// A unit enum's wire name.
fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
