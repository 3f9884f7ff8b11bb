import type { FleetRow } from '../bindings/FleetRow';
import { fleetView } from '../fleet';

const row = (account: string, days: number | null, waiting: number | null, flags: FleetRow['flags'] = []): FleetRow => ({
  device: `d-${account}`, device_name: '手机', account, person: '王芳', role: 'grid_worker', scope: '150621001001001',
  scope_name: '一网格', enrolled_ms: 0, last_contact_ms: days == null ? null : 1_000, waiting_at_contact: waiting,
  app_version: '0.1.0', days_without_contact: days, flags,
});

describe('fleetView', () => {
  const rows = [row('A', 0, 3), row('B', 9, 0, ['silent']), row('C', null, null, ['never_synced']), row('D', 1, 150, ['backlog'])];

  it('puts the flagged first, the longest silent first among them, never synced above all', () => {
    expect(fleetView(rows, 'days', false).map((r) => r.account)).toEqual(['C', 'B', 'D', 'A']);
    const quiet = [row('E', 2, 0), row('F', 0, 120, ['backlog'])];
    expect(fleetView(quiet, 'days', false).map((r) => r.account)).toEqual(['F', 'E']);
  });

  it('sorts by changes waiting and by account', () => {
    expect(fleetView(rows, 'waiting', false).map((r) => r.account)).toEqual(['D', 'A', 'B', 'C']);
    expect(fleetView(rows, 'account', false).map((r) => r.account)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('keeps only the flagged rows when asked, leaving its input alone', () => {
    expect(fleetView(rows, 'days', true).map((r) => r.account)).toEqual(['C', 'B', 'D']);
    expect(rows.map((r) => r.account)).toEqual(['A', 'B', 'C', 'D']);
  });
});
