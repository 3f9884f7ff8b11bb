//! What needs the worker's or the leader's eye, printed in their language: each refused change
//! with why and what to do, the "needs attention" list, the device's status and a wrong clock.

use gridwork_core::explain::{Lang, clock_warning, kind_name, rejection, unknown_rejection, when};
use gridwork_core::outbox::OutboxRow;
use gridwork_core::status::HandsetStatus;
use gridwork_domain::attention::AttentionItem;
use std::fmt::Write;

/// One refused change: what it is, why it was refused and what to do.
fn refused(s: &mut String, r: &OutboxRow, lang: Lang) {
    let code = r.reject_code.as_deref().unwrap_or("");
    let words = rejection(code, lang).unwrap_or_else(|| unknown_rejection(lang));
    let what = r.subject.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
    let message = r.last_error.as_deref().unwrap_or("");
    let _ = match lang {
        Lang::ZhCn => writeln!(
            s,
            "被拒绝：{}{what}（{}）\n  原因：{}（{code}：{message}）\n  处理：{}",
            kind_name(&r.kind, lang),
            r.record_id,
            words.why,
            words.todo
        ),
        Lang::En => writeln!(
            s,
            "refused: {}{what} ({})\n  why: {} ({code}: {message})\n  what to do: {}",
            kind_name(&r.kind, lang),
            r.record_id,
            words.why,
            words.todo
        ),
    };
}

/// `gridwork outbox`: every waiting change, and each refused one in full.
pub fn outbox(rows: &[OutboxRow], lang: Lang) -> String {
    let mut s = String::new();
    for r in rows {
        if r.status == "rejected" {
            refused(&mut s, r, lang);
        } else {
            let what = r.subject.as_deref().map(|s| format!(" {s}")).unwrap_or_default();
            let state = if lang == Lang::En { "waiting" } else { "等待同步" };
            let _ = writeln!(s, "{state}：{}{what}（{}）", kind_name(&r.kind, lang), r.record_id);
        }
    }
    let refused = rows.iter().filter(|r| r.status == "rejected").count();
    let _ = match lang {
        Lang::ZhCn => write!(s, "共 {} 条待同步，其中 {refused} 条被服务器拒绝", rows.len()),
        Lang::En => write!(s, "{} changes waiting, {refused} of them refused by the server", rows.len()),
    };
    s
}

/// `gridwork sync`: the summary, then each refused change and a wrong clock.
pub fn after_sync(summary: String, rows: &[OutboxRow], status: &HandsetStatus, lang: Lang) -> String {
    let mut s = summary;
    for r in rows.iter().filter(|r| r.status == "rejected") {
        s.push('\n');
        refused(&mut s, r, lang);
        s.pop();
    }
    if let Some(offset) = status.clock_offset_ms {
        let _ = write!(s, "\n{}", clock_warning(offset, lang));
    }
    s
}

/// `gridwork status`.
pub fn status(st: &HandsetStatus, lang: Lang) -> String {
    let mut s = String::new();
    let none = if lang == Lang::En { "—" } else { "无" };
    let last = st.last_sync_ms.map(|ms| when(ms.max(0) as u64)).unwrap_or_else(|| none.to_owned());
    let _ = match lang {
        Lang::ZhCn => write!(
            s,
            "用户：{}  区域：{}\n待同步 {} 条，被拒绝 {} 条；上次同步：{last}",
            st.user_name.as_deref().unwrap_or(none),
            st.scope.as_deref().unwrap_or(none),
            st.pending,
            st.rejected
        ),
        Lang::En => write!(
            s,
            "user: {}  area: {}\n{} waiting, {} refused; last sync: {last}",
            st.user_name.as_deref().unwrap_or(none),
            st.scope.as_deref().unwrap_or(none),
            st.pending,
            st.rejected
        ),
    };
    if let Some(offset) = st.clock_offset_ms {
        let _ = write!(s, "\n{}", clock_warning(offset, lang));
    }
    if let Some(lock) = st.offline_lock {
        let (days, limit) = (lock.days_without_contact, lock.limit_days);
        let _ = match lang {
            Lang::ZhCn => write!(
                s,
                "\n本机已 {days} 天未连上服务器（网格办规定最多 {limit} 天）：请运行 gridwork sync，同步后即可继续使用；数据没有删除。"
            ),
            Lang::En => write!(
                s,
                "\nno contact with the server for {days} days (the office allows {limit}): run `gridwork sync` to go on; nothing was deleted."
            ),
        };
    }
    s
}

/// `gridwork attention`: the refused changes of the area, as of the last sync.
pub fn attention(items: &[AttentionItem], lang: Lang) -> String {
    let mut s = String::new();
    for i in items {
        let words = rejection(&i.code, lang).unwrap_or_else(|| unknown_rejection(lang));
        let kind = i.kind.as_deref().map(|k| kind_name(k, lang)).unwrap_or("?");
        let place = i.micro_grid.as_ref().map(|m| m.as_str()).unwrap_or("?");
        let _ = match lang {
            Lang::ZhCn => writeln!(
                s,
                "{kind}（{}） 小微网格 {place} · {} · 第一次 {} · 最近 {} · 共 {} 次\n  原因：{}（{}：{}）\n  处理：{}",
                i.record_id,
                i.user_name,
                when(i.first_ms),
                when(i.last_ms),
                i.count,
                words.why,
                i.code,
                i.message,
                words.todo
            ),
            Lang::En => writeln!(
                s,
                "{kind} ({}) micro-grid {place} · {} · first {} · last {} · {} times\n  why: {} ({}: {})\n  what to do: {}",
                i.record_id,
                i.user_name,
                when(i.first_ms),
                when(i.last_ms),
                i.count,
                words.why,
                i.code,
                i.message,
                words.todo
            ),
        };
    }
    let _ = match lang {
        Lang::ZhCn => write!(s, "需关注 {} 条（截至上次同步）", items.len()),
        Lang::En => write!(s, "{} items need attention (as of the last sync)", items.len()),
    };
    s
}
