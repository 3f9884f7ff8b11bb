//! Independent counts for the report tests, written straight in SQL over the `records` JSON (not
//! the projected tables the engine counts): each case's stage, closure, level, handler and rating
//! read off its events; households' visit intervals off their tags; cards off their records.

use rusqlite::Connection;

/// Milliseconds of an RFC 3339 text in SQL.
const MS: &str = "CAST(round(unixepoch(?X, 'subsec') * 1000) AS INTEGER)";

fn ms_of(expr: &str) -> String {
    MS.replace("?X", expr)
}

/// `ic`: one row per case — id, mg, reported, category, stage, since, closed, level, handler,
/// rating — derived from the events. Valid for histories without contradictions (the fixture's).
pub fn cases_cte() -> String {
    format!(
        "WITH ev AS (
            SELECT id, json_extract(state, '$.fields.dispute') AS dispute, {at} AS at,
                   json_extract(state, '$.fields.action.type') AS type, json_extract(state, '$.fields.action') AS action
            FROM records WHERE kind = 'dispute_event'),
        last_ev AS (
            SELECT e.dispute, e.type, e.action, e.at FROM ev e
            WHERE NOT EXISTS (SELECT 1 FROM ev l WHERE l.dispute = e.dispute AND (l.at > e.at OR (l.at = e.at AND l.id > e.id)))),
        last_close AS (SELECT dispute, max(at) AS at FROM ev WHERE type = 'closed' GROUP BY dispute),
        last_reopen AS (SELECT dispute, max(at) AS at FROM ev WHERE type = 'reopened' GROUP BY dispute),
        ic AS (
            SELECT r.id AS id, json_extract(r.state, '$.fields.micro_grid') AS mg, {reported} AS reported,
                   json_extract(r.state, '$.fields.category') AS category,
                   CASE l.type WHEN 'reported' THEN 'reported' WHEN 'verified' THEN 'open' WHEN 'rejected' THEN 'rejected'
                       WHEN 'dispatched' THEN 'dispatched'
                       WHEN 'mediation_attempt' THEN CASE json_extract(l.action, '$.outcome') WHEN 'succeeded' THEN 'resolved' ELSE 'mediating' END
                       WHEN 'feedback' THEN 'resolved' WHEN 'escalated' THEN 'open' WHEN 'referred' THEN 'referred'
                       WHEN 'closed' THEN 'closed' WHEN 'rated' THEN 'rated' WHEN 'reopened' THEN 'open' END AS stage,
                   l.at AS since,
                   CASE WHEN c.at IS NOT NULL AND (o.at IS NULL OR o.at < c.at) THEN c.at END AS closed,
                   coalesce((SELECT json_extract(x.action, '$.to') FROM ev x WHERE x.dispute = r.id AND x.type = 'escalated'
                             ORDER BY x.at DESC LIMIT 1), 'village') AS level,
                   (SELECT json_extract(x.action, '$.village_handler') FROM ev x
                     WHERE x.dispute = r.id AND x.type = 'closed' AND x.at = c.at AND (o.at IS NULL OR o.at < c.at)) AS handler,
                   (SELECT json_extract(x.action, '$.score') FROM ev x WHERE x.dispute = r.id AND x.type = 'rated' AND x.at > c.at
                     AND (o.at IS NULL OR o.at < c.at)) AS rating
            FROM records r LEFT JOIN last_ev l ON l.dispute = r.id LEFT JOIN last_close c ON c.dispute = r.id
                 LEFT JOIN last_reopen o ON o.dispute = r.id
            WHERE r.kind = 'dispute') ",
        at = ms_of("json_extract(state, '$.fields.at')"),
        reported = ms_of("json_extract(r.state, '$.fields.reported_at')"),
    )
}

/// A second connection to the store for the independent counts, with `ic` (see [`cases_cte`])
/// kept as a temporary table so each count does not derive it again.
pub fn open(path: &std::path::Path) -> Connection {
    let conn = super::unlock(path).open_second().unwrap();
    conn.execute_batch(&format!("CREATE TEMP TABLE ic AS {} SELECT * FROM ic", cases_cte())).unwrap();
    conn
}

/// The default step allowances (StepDeadlines::default) by stage, in ms.
pub const ALLOWANCE: &str = "CASE stage WHEN 'reported' THEN 86400000 WHEN 'open' THEN 86400000
    WHEN 'dispatched' THEN 604800000 WHEN 'mediating' THEN 604800000 WHEN 'resolved' THEN 259200000
    WHEN 'referred' THEN 259200000 WHEN 'closed' THEN 604800000 END";

/// Cases (`ic` rows) of `area` matching `cond` (SQL over the `ic` columns, parameters `?1…`;
/// the area is the last parameter). `conn` comes from [`open`].
pub fn count_cases(conn: &Connection, area: &str, cond: &str, params: &[i64]) -> u32 {
    let n = params.len() + 1;
    let sql = format!("SELECT count(*) FROM ic WHERE substr(mg, 1, length(?{n})) = ?{n} AND ({cond})");
    let mut args: Vec<rusqlite::types::Value> = params.iter().map(|p| (*p).into()).collect();
    args.push(area.to_owned().into());
    conn.query_row(&sql, rusqlite::params_from_iter(args), |r| r.get(0)).unwrap()
}

/// Hours from report to close of the cases of `area` closed in `[from, to)`.
pub fn close_hours(conn: &Connection, area: &str, from: i64, to: i64) -> Vec<f64> {
    let sql = "SELECT (closed - reported) / 3600000.0 FROM ic WHERE substr(mg, 1, length(?3)) = ?3 AND closed >= ?1 AND closed < ?2";
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map(rusqlite::params![from, to, area], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Sum and count of ratings of the cases of `area` closed in `[from, to)`.
pub fn ratings(conn: &Connection, area: &str, from: i64, to: i64) -> (u32, u32) {
    let sql = "SELECT count(rating), coalesce(sum(rating), 0) FROM ic
         WHERE substr(mg, 1, length(?3)) = ?3 AND closed >= ?1 AND closed < ?2";
    conn.query_row(sql, rusqlite::params![from, to, area], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
}

/// Households of `area` (not archived): how many, and how many had a visit within their interval
/// (shortest interval of their tags, 30 days untagged) before `at`.
pub fn coverage(conn: &Connection, area: &str, at: i64) -> (u32, u32) {
    let sql = format!(
        "WITH hh AS (
            SELECT id, json_extract(state, '$.fields.micro_grid') AS mg,
                   coalesce((SELECT min(CASE j.value WHEN 'elderly_alone' THEN 7 WHEN 'special_care' THEN 7
                        WHEN 'left_behind_child' THEN 14 WHEN 'disability' THEN 14 WHEN 'low_income' THEN 30
                        WHEN 'rental' THEN 30 WHEN 'party_member' THEN 90 WHEN 'veteran' THEN 90 END)
                     FROM json_each(json_extract(state, '$.fields.tags')) j), 30) AS days
            FROM records WHERE kind = 'household' AND coalesce(json_extract(state, '$.fields.archived'), 0) = 0),
        vv AS (SELECT json_extract(state, '$.fields.household') AS household, {visited} AS at FROM records WHERE kind = 'visit')
        SELECT count(*), coalesce(sum((SELECT max(vv.at) FROM vv WHERE vv.household = hh.id AND vv.at < ?2) >= ?2 - hh.days * 86400000), 0)
        FROM hh WHERE substr(mg, 1, length(?1)) = ?1",
        visited = ms_of("json_extract(state, '$.fields.visited_at')")
    );
    conn.query_row(&sql, rusqlite::params![area, at], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
}

/// Cards of households of `area` issued in `[from, to)`.
pub fn cards_issued(conn: &Connection, area: &str, from: i64, to: i64) -> u32 {
    let sql = format!(
        "SELECT count(*) FROM records WHERE kind = 'contact_card'
           AND substr(json_extract(state, '$.fields.micro_grid'), 1, length(?1)) = ?1 AND {issued} >= ?2 AND {issued} < ?3",
        issued = ms_of("json_extract(state, '$.fields.issued_at')")
    );
    conn.query_row(&sql, rusqlite::params![area, from, to], |r| r.get(0)).unwrap()
}

/// Households of `area` (not archived) holding an active card issued before `at`.
pub fn households_with_card(conn: &Connection, area: &str, at: i64) -> u32 {
    let sql = format!(
        "SELECT count(DISTINCT json_extract(c.state, '$.fields.household')) FROM records c JOIN records h
            ON h.id = json_extract(c.state, '$.fields.household')
         WHERE c.kind = 'contact_card' AND json_extract(c.state, '$.fields.status.state') = 'active'
           AND coalesce(json_extract(h.state, '$.fields.archived'), 0) = 0
           AND substr(json_extract(h.state, '$.fields.micro_grid'), 1, length(?1)) = ?1 AND {issued} < ?2",
        issued = ms_of("json_extract(c.state, '$.fields.issued_at')")
    );
    conn.query_row(&sql, rusqlite::params![area, at], |r| r.get(0)).unwrap()
}

/// The median (mean of the middle two for an even count) and the nearest-rank 90th percentile,
/// computed here on their own.
pub fn median_p90(mut v: Vec<f64>) -> (Option<f64>, Option<f64>) {
    if v.is_empty() {
        return (None, None);
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
    let rank = ((n * 90) as f64 / 100.0).ceil() as usize;
    (Some(median), Some(v[rank - 1]))
}
