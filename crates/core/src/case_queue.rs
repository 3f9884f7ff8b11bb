//! The leader's queue (and the township's and the banner's): every case in the device's area by
//! stage, with the step each waits on, its deadline and whether it is overdue; counts per stage,
//! filters, urgency then age. One indexed query over the dispute's queue columns.

use gridwork_domain::authority::role_level;
use gridwork_domain::workflow::CaseStage;
use gridwork_domain::{MediationLevel, RecordId};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::Result;
use crate::projection::enum_str;

/// The queue's stages as a leader works them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum QueueBucket {
    /// 待核实: reported, awaiting verification.
    ToVerify,
    /// 待派遣: verified or escalated, awaiting dispatch.
    Open,
    /// 已派遣: with a handler, nothing recorded yet.
    Dispatched,
    /// 调解中: an attempt failed, more may follow (or escalation).
    Mediating,
    /// 待结案: resolved or referred, awaiting the leader's check.
    AwaitingClose,
    /// 待评价: closed, awaiting the household's rating.
    AwaitingRating,
}

impl QueueBucket {
    pub const ALL: [QueueBucket; 6] =
        [Self::ToVerify, Self::Open, Self::Dispatched, Self::Mediating, Self::AwaitingClose, Self::AwaitingRating];

    /// The case stages the bucket holds.
    pub fn stages(self) -> &'static [CaseStage] {
        match self {
            Self::ToVerify => &[CaseStage::Reported],
            Self::Open => &[CaseStage::Open],
            Self::Dispatched => &[CaseStage::Dispatched],
            Self::Mediating => &[CaseStage::Mediating],
            Self::AwaitingClose => &[CaseStage::Resolved, CaseStage::Referred],
            Self::AwaitingRating => &[CaseStage::Closed],
        }
    }

    /// The bucket a stage belongs to (`None`: the case is done, or not begun).
    pub fn of(stage: CaseStage) -> Option<QueueBucket> {
        Self::ALL.into_iter().find(|b| b.stages().contains(&stage))
    }
}

/// What to list.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseQueueQuery {
    /// One bucket only (all the queue's buckets when absent).
    pub bucket: Option<QueueBucket>,
    /// A micro-grid (or any area above one) inside the device's area.
    pub micro_grid: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    /// Cases at every level; otherwise only those at the level this account acts at (a grid
    /// leader's village level, a supervisor's township level, the banner centre's).
    pub all_levels: bool,
    pub offset: u32,
    pub limit: u32,
}

/// One line of the queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseRow {
    pub id: RecordId,
    pub category: String,
    pub urgency: String,
    pub description: String,
    /// The first party's name (the household the case is about, as the report names it).
    pub household: Option<String>,
    pub micro_grid: String,
    pub micro_grid_name: Option<String>,
    pub reported_ms: i64,
    pub stage: CaseStage,
    pub bucket: Option<QueueBucket>,
    pub level: MediationLevel,
    /// Attempts made at the case's level (of three).
    pub attempts_here: u8,
    pub dispatched_to: Option<String>,
    /// When the step the case waits on falls due, and whether that has passed.
    pub due_ms: Option<i64>,
    pub overdue: bool,
    /// Contradictions waiting for a leader to settle.
    pub unsettled: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BucketCount {
    pub bucket: QueueBucket,
    pub count: i64,
    /// Of them, those past their step's deadline.
    pub overdue: i64,
}

/// The queue: counts per bucket (under the filters other than the bucket), the rows asked for.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CaseQueue {
    pub counts: Vec<BucketCount>,
    /// Rows matching every filter (the page is `rows`).
    pub total: i64,
    pub rows: Vec<CaseRow>,
}

const ROW_COLUMNS: &str = "d.id, d.category, d.urgency, d.description, d.party, d.micro_grid,
    (SELECT a.name FROM areas a WHERE a.code = d.micro_grid), d.reported_ms, d.stage, d.level, d.attempts_here,
    d.dispatched_to, d.stage_since_ms, d.unsettled";

/// Urgency first (critical at the top), then age (oldest first).
const ORDER: &str = "CASE d.urgency WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
    d.reported_ms, d.id";

impl Engine {
    /// The queue as of `now_ms`.
    pub fn case_queue(&self, q: &CaseQueueQuery, now_ms: i64) -> Result<CaseQueue> {
        let p = self.profile()?;
        let area = match &q.micro_grid {
            Some(a) if a.starts_with(p.scope.as_str()) => a.clone(),
            _ => p.scope.to_string(),
        };
        let mut filter = String::from("d.micro_grid LIKE ? || '%'");
        let mut args: Vec<Value> = vec![Value::Text(area)];
        let level = if q.all_levels { None } else { role_level(p.role) };
        if let Some(level) = level {
            filter.push_str(" AND d.level = ?");
            args.push(Value::Text(enum_str(&level)?));
        }
        for (column, value) in [("d.category", &q.category), ("d.urgency", &q.urgency)] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                filter.push_str(&format!(" AND {column} = ?"));
                args.push(Value::Text(v.clone()));
            }
        }
        let deadlines = self.deadlines()?;
        let counts = self.bucket_counts(&filter, &args, &deadlines, now_ms)?;
        let stages: Vec<CaseStage> = match q.bucket {
            Some(b) => b.stages().to_vec(),
            None => QueueBucket::ALL.iter().flat_map(|b| b.stages().iter().copied()).collect(),
        };
        filter.push_str(&format!(" AND d.stage IN ({})", vec!["?"; stages.len()].join(", ")));
        args.extend(stages.iter().map(|s| Value::Text(s.as_str().to_owned())));
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM disputes d WHERE {filter}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        let limit = if q.limit == 0 { 50 } else { q.limit.min(500) };
        args.push(Value::Integer(limit.into()));
        args.push(Value::Integer(q.offset.into()));
        let sql = format!("SELECT {ROW_COLUMNS} FROM disputes d WHERE {filter} ORDER BY {ORDER} LIMIT ? OFFSET ?");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), raw_row)?;
        let rows = rows.map(|r| r.map(|r| r.into_row(&deadlines, now_ms))).collect::<rusqlite::Result<_>>()?;
        Ok(CaseQueue { counts, total, rows })
    }

    /// Cases dispatched to this device's account and still in its hands, oldest first.
    pub fn dispatched_to_me(&self, now_ms: i64, limit: u32) -> Result<Vec<CaseRow>> {
        let me = self.profile()?.user_name.clone();
        let deadlines = self.deadlines()?;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM disputes d WHERE d.dispatched_to = ?1 AND d.stage IN ('dispatched', 'mediating')
             ORDER BY {ORDER} LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![me, limit], raw_row)?;
        Ok(rows.map(|r| r.map(|r| r.into_row(&deadlines, now_ms))).collect::<rusqlite::Result<_>>()?)
    }

    fn bucket_counts(
        &self,
        filter: &str,
        args: &[Value],
        deadlines: &gridwork_domain::deadline::StepDeadlines,
        now_ms: i64,
    ) -> Result<Vec<BucketCount>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.stage, d.stage_since_ms, count(*) FROM disputes d WHERE {filter} GROUP BY d.stage, d.stage_since_ms"
        ))?;
        let mut counts: Vec<BucketCount> =
            QueueBucket::ALL.iter().map(|b| BucketCount { bucket: *b, count: 0, overdue: 0 }).collect();
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (stage, since, n) = row?;
            let Some(stage) = parse_stage(&stage) else { continue };
            let Some(bucket) = QueueBucket::of(stage) else { continue };
            let c = counts.iter_mut().find(|c| c.bucket == bucket).expect("every bucket is counted");
            c.count += n;
            if since.and_then(|t| deadlines.due_ms(stage, t)).is_some_and(|due| due < now_ms) {
                c.overdue += n;
            }
        }
        Ok(counts)
    }
}

fn parse_stage(s: &str) -> Option<CaseStage> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// A queue row as stored, before its deadline is worked out.
struct RawRow {
    row: CaseRow,
    since: Option<i64>,
}

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    let stage: String = r.get(8)?;
    let level: String = r.get(9)?;
    let stage = parse_stage(&stage).unwrap_or(CaseStage::Unreported);
    let level = serde_json::from_value(serde_json::Value::String(level)).unwrap_or(MediationLevel::Village);
    Ok(RawRow {
        row: CaseRow {
            id: crate::engine::row_id(r, 0)?,
            category: r.get(1)?,
            urgency: r.get(2)?,
            description: r.get(3)?,
            household: r.get(4)?,
            micro_grid: r.get(5)?,
            micro_grid_name: r.get(6)?,
            reported_ms: r.get(7)?,
            stage,
            bucket: QueueBucket::of(stage),
            level,
            attempts_here: r.get(10)?,
            dispatched_to: r.get(11)?,
            due_ms: None,
            overdue: false,
            unsettled: r.get(13)?,
        },
        since: r.get(12)?,
    })
}

impl RawRow {
    fn into_row(self, deadlines: &gridwork_domain::deadline::StepDeadlines, now_ms: i64) -> CaseRow {
        let mut row = self.row;
        row.due_ms = self.since.and_then(|t| deadlines.due_ms(row.stage, t));
        row.overdue = row.due_ms.is_some_and(|due| due < now_ms);
        row
    }
}
