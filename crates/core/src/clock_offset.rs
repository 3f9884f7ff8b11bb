//! The server's time on the handset. A cheap phone's clock can run days off; the handset learns
//! the server's clock at enrollment and at the start of every sync, keeps the difference, and
//! stamps its writes by the corrected time. Changes already stamped too far ahead (written while
//! the clock was wrong and the phone offline) are stamped again as new local versions — never
//! parked, never dropped.

use gridwork_domain::restamp::{CLOCK_SLACK_MS, restamp_ahead};
use gridwork_domain::{Hlc, HlcClock, RecordState, Writer};

use crate::db::relaxed;
use crate::engine::{CLOCK_OFFSET, Engine, get_state, put_local_state, save_clock, set_meta};
use crate::error::Result;

impl Engine {
    /// Keeps a new measurement of the server's clock minus the phone's (ms), and brings the
    /// engine's clock and pending changes in line with it; returns how many changes were stamped
    /// again. `refused`: the server refused a change as stamped too far ahead, so every pending
    /// change is looked at even when the clock no longer runs ahead.
    pub(crate) fn correct_clock(&mut self, offset_ms: i64, refused: bool) -> Result<u64> {
        if offset_ms != self.clock_offset_ms {
            set_meta(&self.conn, CLOCK_OFFSET, &offset_ms.to_string())?;
            self.clock_offset_ms = offset_ms;
        }
        self.restamp_pending(refused)
    }

    /// Stamps again every pending change of this device stamped more than a few minutes ahead of
    /// the corrected time, after bringing the clock back if it ran ahead. Changes a server of an
    /// older version parked as `clock_skew` are taken back up too.
    pub(crate) fn restamp_pending(&mut self, refused: bool) -> Result<u64> {
        let now = self.now_ms();
        let Some(device) = self.profile.as_ref().map(|p| p.device_id) else { return Ok(0) };
        // Every stamp this device wrote is at most the clock's last reading: when that is not
        // ahead, no pending change is (unless the clock was brought back before they were stamped
        // again, which a refusal tells), and only changes an older version parked need a look.
        let ahead = self.clock.last().ms > now.saturating_add(CLOCK_SLACK_MS);
        if ahead {
            // The clock took its readings from the wrong wall clock: later writes must not keep
            // stamping days ahead. Writes of this device are ordered by its own counters anyway.
            self.clock = HlcClock::resume(Hlc::new(now, 0));
        }
        let sql = if ahead || refused {
            "SELECT record_id FROM outbox WHERE status = 'pending'
             OR (status = 'rejected' AND reject_code = 'clock_skew') ORDER BY queued_ms"
        } else {
            "SELECT record_id FROM outbox WHERE status = 'rejected' AND reject_code = 'clock_skew' ORDER BY queued_ms"
        };
        let ids: Vec<String> = self.conn.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if ids.is_empty() {
            return Ok(0);
        }
        let clock = &mut self.clock;
        let stamped = relaxed(&mut self.conn, |tx| {
            let mut stamped = 0;
            for id in &ids {
                let Some(state) = get_state(tx, id.parse()?)? else { continue };
                let mut w = Writer { device, clock: &mut *clock, now_ms: now };
                match restamp_ahead(&state, &mut w) {
                    Some(next) => {
                        put_local_state(tx, &next, now)?;
                        stamped += 1;
                    }
                    None => unpark(tx, &state)?,
                }
            }
            save_clock(tx, clock)?;
            Ok(stamped)
        })?;
        if stamped > 0 {
            tracing::info!(stamped, "changes stamped ahead of the server's time were stamped again");
        }
        Ok(stamped)
    }

    /// The server's clock minus the phone's as last measured, in ms.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms
    }
}

/// Puts a change parked for its clock back in the queue.
fn unpark(tx: &rusqlite::Transaction<'_>, state: &RecordState) -> Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'pending', last_error = NULL WHERE record_id = ?1 AND status = 'rejected'",
    )?
    .execute([state.id.to_string()])?;
    Ok(())
}
