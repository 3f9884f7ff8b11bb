// Fleet rows and accounts as the office's commands answer them, for the screens' tests.
import type { Fleet } from '../../lib/bindings/Fleet';
import type { FleetRow } from '../../lib/bindings/FleetRow';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import type { OfficeAccount } from '../../lib/bindings/OfficeAccount';

export const NOW = Date.UTC(2026, 11, 1, 8, 0);
const DAY = 86_400_000;

export function fleetRow(p: Partial<FleetRow> & { device: string; account: string }): FleetRow {
  return {
    device_name: '手机', person: '王芳', role: 'grid_worker', scope: '150621001001001', scope_name: '锦园一网格',
    enrolled_ms: NOW - 30 * DAY, last_contact_ms: NOW - 3_600_000, waiting_at_contact: 0, app_version: '0.1.0',
    days_without_contact: 0, flags: [], ...p,
  };
}

export const fleet: Fleet = {
  scope: '150621001', as_of_ms: NOW, silent_days: 3, backlog_limit: 100, stale: false,
  rows: [
    fleetRow({ device: 'd1', account: '150621001-W-0001', person: '王芳' }),
    fleetRow({ device: 'd2', account: '150621001-W-0002', person: '赵磊', last_contact_ms: NOW - 6 * DAY, days_without_contact: 6, flags: ['silent'] }),
    fleetRow({ device: 'd3', account: '150621001-W-0003', person: '孙丽', waiting_at_contact: 153, app_version: '0.0.9', flags: ['backlog', 'old_app'] }),
    fleetRow({ device: 'd4', account: '150621001-W-0004', person: '周涛', last_contact_ms: null, waiting_at_contact: null, app_version: null, days_without_contact: null, flags: ['never_synced'] }),
  ],
};

export const accounts: OfficeAccount[] = [
  { handle: '150621001-W-0001', name: '王芳', phone: '13800138000', role: 'grid_worker', scope: '150621001001001', scope_name: '锦园一网格', disabled: false, devices: [fleet.rows[0]] },
  { handle: '150621001-W-0004', name: '周涛', phone: '13900139000', role: 'grid_worker', scope: '150621001001001', scope_name: '锦园一网格', disabled: false, devices: [] },
];

export const supervisor: HandsetStatus = {
  enrolled: true, user_name: '李娜', user_phone: '13700137000', role: 'supervisor', scope: '150621001',
  device_name: '办公室电脑', server_url: 'http://10.0.0.2:8787', pending: 0, rejected: 0, last_sync_ms: null, serials_left: 100,
  may: [], clock_offset_ms: null, offline_lock: null,
};
