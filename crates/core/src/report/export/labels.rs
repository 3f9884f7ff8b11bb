//! The notice's words in the files (zh-CN, the office's language) and how each figure is shown.

/// The column's heading.
pub(crate) fn column(key: &str) -> &'static str {
    match key {
        "cases_reported" => "上报案件",
        "closed" => "结案",
        "resolved_in_village" => "村级化解率",
        "resolved_in_township" => "镇级以内化解率",
        "median_close_hours" => "办结时长中位数(小时)",
        "p90_close_hours" => "办结时长90分位(小时)",
        "overdue" => "逾期(本月上报)",
        "coverage" => "走访覆盖率",
        "cards" => "发放联系卡",
        "rating_avg" => "平均评价",
        "secretary_share" => "书记办理占比",
        _ => "",
    }
}

/// A ranking part's heading.
pub(crate) fn part(key: &str) -> &'static str {
    match key {
        "coverage" => "走访覆盖",
        "village_share" => "村级化解",
        "overdue" => "逾期控制",
        "timeliness" => "办结及时",
        "rating" => "群众评价",
        "cards" => "联系卡",
        _ => "",
    }
}

pub(crate) fn level(level: &str) -> &'static str {
    match level {
        "banner" => "旗",
        "township" => "苏木镇/街道",
        "village" => "嘎查村/社区",
        "grid" => "网格",
        _ => "",
    }
}

pub(crate) fn step(step: &str) -> &'static str {
    match step {
        "verify" => "核实立案",
        "dispatch" => "指挥派遣",
        "handle" => "处理反馈",
        "check" => "核查结案",
        "rate" => "考核评价",
        _ => "",
    }
}

pub(crate) fn category(c: &str) -> &'static str {
    match c {
        "neighbour" => "邻里纠纷",
        "family" => "婚姻家庭",
        "land" => "土地草牧场",
        "property" => "债务财产",
        "labour" => "劳资",
        "contract" => "合同",
        "environment" => "环境",
        "fire_hazard" => "消防隐患",
        "public_order" => "治安隐患",
        "food_safety" => "食品安全",
        _ => "其他",
    }
}

pub(crate) fn mediation_level(l: &str) -> &'static str {
    match l {
        "village" => "村级",
        "township" => "镇级",
        _ => "旗级",
    }
}

/// What the files show where there is nothing to count (a share of no cases).
pub(crate) const NONE: &str = "—";

/// A date-time in China time, `2026-11-30 17:05`.
pub(crate) fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + gridwork_domain::report::CHINA_OFFSET_MS)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A cell's value as text for the CSV: shares as percentages with one decimal, hours and
/// ratings with one or two decimals, counts whole.
pub(crate) fn text(key: &str, value: Option<f64>) -> String {
    match (gridwork_domain::report::column_unit(key), value) {
        (_, None) => NONE.to_owned(),
        ("share", Some(v)) => format!("{:.1}%", v * 100.0),
        ("hours", Some(v)) => format!("{v:.1}"),
        ("rating", Some(v)) => format!("{v:.2}"),
        (_, Some(v)) => format!("{v:.0}"),
    }
}
