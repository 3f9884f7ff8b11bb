//! The worker's "today" screen: households due for a visit (paged), open follow-ups, the cases
//! dispatched to the worker, and the disputes the worker reported with where each case stands.

use gridwork_domain::RecordId;
use rusqlite::params;
use serde::Serialize;

use crate::dispute_rows::{DISPUTE_COLUMNS, DisputeRow, dispute_row};
use crate::engine::Engine;
use crate::error::Result;
use crate::households::{HOUSEHOLD_COLUMNS, HouseholdRow, household_row};

const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FollowUp {
    pub visit: RecordId,
    pub household: RecordId,
    pub head_name: String,
    pub visited_ms: i64,
    pub follow_up: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MicroGridRow {
    pub code: String,
    pub name: String,
    pub households: i64,
    pub overdue: i64,
}

/// Everything on the worker's plate today.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Today {
    pub micro_grids: Vec<MicroGridRow>,
    /// Households whose last visit is older than their tags ask for (30 days untagged), or never
    /// visited: the first page (`Engine::due_households` pages on).
    pub due: Vec<HouseholdRow>,
    /// How many households are due in all.
    pub due_total: i64,
    pub follow_ups: Vec<FollowUp>,
    /// Cases dispatched to this worker, waiting for the worker's feedback or mediation.
    pub dispatched_to_me: Vec<crate::case_queue::CaseRow>,
    pub my_disputes: Vec<DisputeRow>,
}

/// Households not visited within their interval, as of `?2` (ms), in the area `?1` (a LIKE
/// pattern); `?3` is a day in ms.
const DUE_FILTER: &str = "h.archived = 0 AND h.micro_grid LIKE ?1
    AND coalesce((SELECT max(v.visited_ms) FROM visits v WHERE v.household = h.id), 0) < ?2 - h.interval_days * ?3";

impl Engine {
    /// The queue as of `now_ms`.
    pub fn today(&self, now_ms: i64, limit: u32) -> Result<Today> {
        let p = self.profile()?;
        let scope = format!("{}%", p.scope.as_str());
        let micro_grids = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT a.code, a.name,
                    (SELECT count(*) FROM households h WHERE h.micro_grid = a.code AND h.archived = 0),
                    (SELECT count(*) FROM households h WHERE h.micro_grid = a.code AND h.archived = 0
                        AND coalesce((SELECT max(visited_ms) FROM visits v WHERE v.household = h.id), 0)
                            < ?2 - h.interval_days * ?3)
                 FROM areas a WHERE a.level = 'micro_grid' AND a.code LIKE ?1 ORDER BY a.code",
            )?;
            stmt.query_map(params![scope, now_ms, DAY_MS], |r| {
                Ok(MicroGridRow { code: r.get(0)?, name: r.get(1)?, households: r.get(2)?, overdue: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let due = self.due_households(now_ms, 0, limit)?;
        let due_total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM households h WHERE {DUE_FILTER}"))?
            .query_row(params![scope, now_ms, DAY_MS], |r| r.get(0))?;
        let dispatched_to_me = self.dispatched_to_me(now_ms, limit)?;
        let follow_ups = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT v.id, v.household, h.head_name, v.visited_ms, v.follow_up FROM visits v
                 JOIN households h ON h.id = v.household
                 WHERE v.follow_up_needed = 1 AND v.micro_grid LIKE ?1
                   AND NOT EXISTS (SELECT 1 FROM visits later WHERE later.household = v.household AND later.visited_ms > v.visited_ms)
                 ORDER BY v.visited_ms LIMIT ?2",
            )?;
            stmt.query_map(params![scope, limit], |r| {
                let (v, h): (String, String) = (r.get(0)?, r.get(1)?);
                Ok((v, h, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .map(|row| {
                let (v, h, head_name, visited_ms, follow_up) = row?;
                Ok(FollowUp { visit: v.parse()?, household: h.parse()?, head_name, visited_ms, follow_up })
            })
            .collect::<Result<_>>()?
        };
        let my_disputes = {
            let sql = format!(
                "SELECT {DISPUTE_COLUMNS} FROM disputes WHERE reporter = ?1 ORDER BY reported_ms DESC LIMIT ?2"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(params![p.user_name, limit], dispute_row)?.collect::<rusqlite::Result<_>>()?
        };
        Ok(Today { micro_grids, due, due_total, follow_ups, dispatched_to_me, my_disputes })
    }

    /// A page of the households due for a visit as of `now_ms`, longest unvisited first.
    pub fn due_households(&self, now_ms: i64, offset: u32, limit: u32) -> Result<Vec<HouseholdRow>> {
        let scope = format!("{}%", self.profile()?.scope.as_str());
        let sql = format!(
            "SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE {DUE_FILTER}
             ORDER BY coalesce(last_visit_ms, 0), h.micro_grid, h.head_name, h.id LIMIT ?4 OFFSET ?5"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![scope, now_ms, DAY_MS, limit, offset], household_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
