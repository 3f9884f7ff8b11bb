//! The last step of a sync for a grid leader, supervisor or the banner centre: bring down the
//! whole open "needs attention" list of the area and keep it in place of the old one.

use gridwork_domain::attention::keeps_attention_list;

use super::http::SyncClient;
use super::run::BATCH;
use crate::attention::replace_attention;
use crate::db::relaxed;
use crate::engine_cell::EngineCell;
use crate::error::Result;

/// Fetches the open list page by page (only for roles that see their area's list); returns how
/// many items are open. Like a pulled page it need not wait for the disk: the next sync fetches
/// the list again.
pub(super) fn fetch_attention<C: EngineCell>(cell: &C, client: &SyncClient) -> Result<u64> {
    if !keeps_attention_list(cell.with(|e| Ok(e.profile()?.role))?) {
        return Ok(0);
    }
    let mut items = Vec::new();
    let mut after = 0;
    loop {
        let page = client.attention(after, BATCH)?.items;
        let done = page.len() < BATCH as usize;
        after = page.last().map_or(after, |i| i.id);
        items.extend(page);
        if done {
            break;
        }
    }
    cell.with(|e| relaxed(&mut e.conn, |tx| replace_attention(tx, &items)))?;
    Ok(items.len() as u64)
}
