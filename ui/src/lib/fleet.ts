// The fleet screen's view of the rows: sorted by what the office looks for (flagged handsets
// first, the most days without contact first, never synced counting as longest), optionally
// only those with a flag.
import type { FleetRow } from './bindings/FleetRow';

export type FleetSort = 'days' | 'waiting' | 'account';

function daysKey(r: FleetRow): number {
  return r.last_contact_ms == null ? Number.MAX_SAFE_INTEGER : (r.days_without_contact ?? 0);
}

/** The rows to show, in order. */
export function fleetView(rows: readonly FleetRow[], sort: FleetSort, onlyFlagged: boolean): FleetRow[] {
  const kept = onlyFlagged ? rows.filter((r) => r.flags.length > 0) : [...rows];
  const byAccount = (a: FleetRow, b: FleetRow) => a.account.localeCompare(b.account) || a.device.localeCompare(b.device);
  const order: Record<FleetSort, (a: FleetRow, b: FleetRow) => number> = {
    days: (a, b) =>
      Number(b.flags.length > 0) - Number(a.flags.length > 0) || daysKey(b) - daysKey(a) || byAccount(a, b),
    waiting: (a, b) => (b.waiting_at_contact ?? -1) - (a.waiting_at_contact ?? -1) || byAccount(a, b),
    account: byAccount,
  };
  return kept.sort(order[sort]);
}
