//! What a refused change and a wrong phone clock mean, and what to do, in the worker's language
//! (zh-CN first, English): the words the command line prints. The app's own words for the same
//! codes are in its catalogs (ui/src/lib/i18n); a workspace test keeps both lists complete.

use chrono::{TimeZone, Utc};

/// The language of the words printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    /// `en…` is English; anything else (`zh-CN`, `zh`, empty) is Chinese.
    pub fn parse(s: &str) -> Self {
        if s.trim().to_ascii_lowercase().starts_with("en") { Self::En } else { Self::ZhCn }
    }
}

/// Why a change was refused and what the worker should do, for one reject code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explained {
    pub why: &'static str,
    pub todo: &'static str,
}

/// Every reject code the server gives (`RejectCode` in the sync server, and `dot_reused`); a
/// workspace test checks that none is missing here.
pub const REJECT_CODES: &[&str] = &[
    "unknown_kind",
    "bad_uuid",
    "validation",
    "out_of_scope",
    "forbidden",
    "bad_version",
    "clock_skew",
    "immutable",
    "dot_reused",
    "bad_receipt",
];

/// The words for a reject code; `None` for a code this version does not know.
pub fn rejection(code: &str, lang: Lang) -> Option<Explained> {
    let (zh, en) = match code {
        "unknown_kind" => (
            ("服务器不认识这种记录", "请把网格通更新到最新版本；仍不行请联系网格办"),
            (
                "the server does not know this kind of record",
                "update Gridwork; if that does not help, call the grid office",
            ),
        ),
        "bad_uuid" => (
            ("记录编号无法识别", "请联系网格办技术支持，不要删除本机数据"),
            ("the record's id cannot be read", "call the grid office's support; do not delete the phone's data"),
        ),
        "validation" => (
            ("内容不符合要求", "打开这条记录，改正后保存，下次同步会重新上传"),
            (
                "something in it is not filled in correctly",
                "open the record, correct it and save; the next sync sends it again",
            ),
        ),
        "out_of_scope" => (
            ("这条记录不在本机负责的区域内", "请核对住户所在的小微网格；负责区域有变化请联系网格长"),
            (
                "the record lies outside this phone's area",
                "check the household's micro-grid; if your area changed, ask your grid leader",
            ),
        ),
        "forbidden" => (
            ("您的账号无权进行这项操作", "请网格长或上级处理，或请网格办核对您的角色"),
            (
                "your account may not do this",
                "ask your grid leader or the level above to do it, or the grid office to check your role",
            ),
        ),
        "bad_version" => (
            ("本机的版本记录与服务器不一致", "请联系网格办，不要删除本机数据"),
            (
                "this phone's version of the record does not match the server's",
                "call the grid office; do not delete the phone's data",
            ),
        ),
        "clock_skew" => (
            ("手机时间不准，服务器暂未接收", "网格通会在下次同步时自动修正，无需操作；请在手机设置中打开自动时间"),
            (
                "the phone's clock is wrong, so the server did not take it yet",
                "Gridwork fixes this itself at the next sync; nothing to do. Turn on automatic time in the phone's settings",
            ),
        ),
        "immutable" => (
            ("已上报的内容不能再修改", "如需更正，请新增一条记录（新的走访或案件进展）"),
            (
                "what was reported cannot be changed afterwards",
                "to correct it, add a new record (a new visit or case step)",
            ),
        ),
        "dot_reused" => (
            (
                "本机数据与服务器不一致（手机可能从备份恢复或被复制过）",
                "网格通会在下次同步时自动修正，无需操作，工作不会丢失",
            ),
            (
                "this phone's data does not match the server's (restored from a backup or copied)",
                "Gridwork fixes this itself at the next sync; nothing to do, no work is lost",
            ),
        ),
        "bad_receipt" => (
            ("交回服务器的记录与服务器当初的回执不符", "无需操作：这条记录仍在本机；如反复出现请联系网格办"),
            (
                "a version handed back does not match the server's receipt for it",
                "nothing to do: the record stays on this phone; if it keeps happening, call the grid office",
            ),
        ),
        _ => return None,
    };
    let (why, todo) = if lang == Lang::En { en } else { zh };
    Some(Explained { why, todo })
}

/// The words for a code this version does not know: the server's message, and whom to ask.
pub fn unknown_rejection(lang: Lang) -> Explained {
    match lang {
        Lang::ZhCn => Explained { why: "服务器拒绝了这条记录", todo: "请联系网格办" },
        Lang::En => Explained { why: "the server refused it", todo: "call the grid office" },
    }
}

/// A record kind's name.
pub fn kind_name(kind: &str, lang: Lang) -> &str {
    let (zh, en) = match kind {
        "household" => ("住户", "household"),
        "visit" => ("走访", "visit"),
        "dispute" => ("矛盾纠纷", "dispute"),
        "dispute_event" => ("案件进展", "case step"),
        "contact_card" => ("联系卡", "contact card"),
        other => (other, other),
    };
    if lang == Lang::En { en } else { zh }
}

/// The warning for a phone clock `offset_ms` behind the server's (server minus phone; negative:
/// the phone is fast), in whole days, hours or minutes.
pub fn clock_warning(offset_ms: i64, lang: Lang) -> String {
    let (n, unit) = clock_amount(offset_ms);
    let fast = offset_ms < 0;
    match lang {
        Lang::ZhCn => format!(
            "手机时间比北京时间{} {n} {}。请在手机设置中打开自动时间；网格通已按服务器时间记录，工作不会丢失。",
            if fast { "快" } else { "慢" },
            match unit {
                ClockUnit::Days => "天",
                ClockUnit::Hours => "小时",
                ClockUnit::Minutes => "分钟",
            }
        ),
        Lang::En => format!(
            "The phone's clock is {n} {}{} {} compared with Beijing time. Turn on automatic time in the phone's \
             settings; Gridwork has recorded by the server's time, so no work is lost.",
            match unit {
                ClockUnit::Days => "day",
                ClockUnit::Hours => "hour",
                ClockUnit::Minutes => "minute",
            },
            if n == 1 { "" } else { "s" },
            if fast { "fast" } else { "slow" }
        ),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClockUnit {
    Days,
    Hours,
    Minutes,
}

/// How far off, rounded in the largest unit it reaches (a 3-day offset less a second is 3 days).
fn clock_amount(offset_ms: i64) -> (u64, ClockUnit) {
    const MINUTE: u64 = 60_000;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    let abs = offset_ms.unsigned_abs();
    let round = |unit: u64| (abs + unit / 2) / unit;
    if abs >= DAY - HOUR / 2 {
        (round(DAY), ClockUnit::Days)
    } else if abs >= HOUR - MINUTE / 2 {
        (round(HOUR), ClockUnit::Hours)
    } else {
        (round(MINUTE), ClockUnit::Minutes)
    }
}

/// A time in the store (ms since the epoch) as the CLI prints it.
pub fn when(ms: u64) -> String {
    Utc.timestamp_millis_opt(i64::try_from(ms).unwrap_or(i64::MAX))
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const HOUR: i64 = 3_600_000;
    const MINUTE: i64 = 60_000;

    #[test]
    fn the_clock_warning_in_plain_words() {
        assert_eq!(
            clock_warning(-3 * DAY, Lang::ZhCn),
            "手机时间比北京时间快 3 天。请在手机设置中打开自动时间；网格通已按服务器时间记录，工作不会丢失。"
        );
        assert!(clock_warning(3 * DAY - 900, Lang::ZhCn).starts_with("手机时间比北京时间慢 3 天。"));
        assert!(clock_warning(-5 * HOUR, Lang::ZhCn).starts_with("手机时间比北京时间快 5 小时。"));
        assert!(clock_warning(7 * MINUTE + 20_000, Lang::ZhCn).starts_with("手机时间比北京时间慢 7 分钟。"));
        assert!(clock_warning(-365 * DAY, Lang::ZhCn).starts_with("手机时间比北京时间快 365 天。"));
        assert!(clock_warning(59 * MINUTE + 45_000, Lang::ZhCn).starts_with("手机时间比北京时间慢 1 小时。"));
        assert!(
            clock_warning(-3 * DAY, Lang::En)
                .starts_with("The phone's clock is 3 days fast compared with Beijing time.")
        );
        assert!(clock_warning(HOUR, Lang::En).starts_with("The phone's clock is 1 hour slow"));
        assert!(clock_warning(-6 * MINUTE, Lang::En).starts_with("The phone's clock is 6 minutes fast"));
    }

    #[test]
    fn every_code_has_words_in_both_languages() {
        for code in REJECT_CODES {
            for lang in [Lang::ZhCn, Lang::En] {
                let e = rejection(code, lang).unwrap_or_else(|| panic!("{code} has no words"));
                assert!(!e.why.is_empty() && !e.todo.is_empty(), "{code}");
            }
        }
        assert_eq!(rejection("no_such_code", Lang::ZhCn), None);
        assert_eq!(Lang::parse("en-US"), Lang::En);
        assert_eq!(Lang::parse("zh-CN"), Lang::ZhCn);
        assert!(rejection("clock_skew", Lang::ZhCn).unwrap().todo.contains("自动修正"));
        assert!(rejection("dot_reused", Lang::En).unwrap().todo.contains("fixes this itself"));
    }
}
