// Shared fixtures for the office's screens: a dashboard, a page of the list behind a number, a
// quarterly ranking with its highlight points and a monthly notice, as the engine returns them,
// and the supervisor's handset status.
import type { Dashboard } from '../../lib/bindings/Dashboard';
import type { FigureList } from '../../lib/bindings/FigureList';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import type { HighlightRow } from '../../lib/bindings/HighlightRow';
import type { MonthlyNotice } from '../../lib/bindings/MonthlyNotice';
import type { Ranking } from '../../lib/bindings/Ranking';
import { NOW } from './case-fixtures';

const HOUR = 3_600_000;
export const TOWNSHIP = '150621001';
export const VILLAGE = '150621001001';
export const GRID = '150621001001001';

export const supervisor: HandsetStatus = {
  enrolled: true, user_name: '赵敏', user_phone: null, role: 'supervisor', scope: TOWNSHIP, device_name: '办公室电脑',
  server_url: 'http://x', pending: 0, rejected: 0, last_sync_ms: null, serials_left: 100, may: [], clock_offset_ms: null, offline_lock: null,
};

export const dashboard: Dashboard = {
  scope: TOWNSHIP, scope_name: '锦园镇',
  period: { label: '2026-11', from_ms: NOW - 30 * 24 * HOUR, to_ms: NOW },
  as_of_ms: NOW,
  by_stage: [
    { figure: { figure: 'stage', stage: 'reported' }, count: 3 },
    { figure: { figure: 'stage', stage: 'mediating' }, count: 5 },
    { figure: { figure: 'stage', stage: 'rated' }, count: 40 },
  ],
  by_level: [
    { figure: { figure: 'level', level: 'village' }, count: 44 },
    { figure: { figure: 'level', level: 'township' }, count: 3 },
    { figure: { figure: 'level', level: 'banner' }, count: 1 },
  ],
  resolved_in_village: { figure: { figure: 'closed_at', level: 'village' }, count: 24, of: 25 },
  resolved_in_township: { figure: { figure: 'closed_at', level: 'township' }, count: 25, of: 25 },
  close_time: { closed: 25, median_hours: 30.25, p90_hours: 120 },
  overdue: [
    { figure: { figure: 'overdue', step: 'verify' }, count: 2 },
    { figure: { figure: 'overdue', step: 'handle' }, count: 1 },
  ],
  coverage: [
    { area: VILLAGE, name: '锦园社区', level: 'village', parent: TOWNSHIP, households: 200, visited: 150 },
    { area: GRID, name: '第1网格', level: 'grid', parent: VILLAGE, households: 100, visited: 90 },
  ],
  cards: { figure: { figure: 'cards' }, count: 17 },
  categories: [
    { month: '2026-10', counts: [{ figure: { figure: 'category', month: '2026-10', category: 'neighbour' }, count: 4 }] },
    {
      month: '2026-11',
      counts: [
        { figure: { figure: 'category', month: '2026-11', category: 'neighbour' }, count: 6 },
        { figure: { figure: 'category', month: '2026-11', category: 'land' }, count: 2 },
      ],
    },
  ],
  handlers: [
    { figure: { figure: 'handler', handler: 'secretary' }, count: 14 },
    { figure: { figure: 'handler', handler: 'committee' }, count: 6 },
    { figure: { figure: 'handler', handler: null }, count: 4 },
  ],
};

export const figurePage: FigureList = {
  figure: { figure: 'stage', stage: 'mediating' },
  total: 3,
  items: [
    { kind: 'case', id: 'd1', title: 'neighbour', detail: '楼上漏水', area_name: '第1小微网格', at_ms: NOW - 50 * HOUR, overdue: true, household: 'h1' },
    { kind: 'household', id: 'h2', title: '张伟', detail: '锦园社区 5号', area_name: '第2小微网格', at_ms: null, overdue: false, household: null },
  ],
};

const parts = (coverage: number, share: number) => [
  { key: 'coverage', raw: coverage, score: coverage * 100 },
  { key: 'village_share', raw: share, score: 80 },
  { key: 'overdue', raw: 0.05, score: 75 },
  { key: 'timeliness', raw: 0.9, score: 90 },
  { key: 'rating', raw: 4.6, score: 90 },
  { key: 'cards', raw: null, score: 0 },
];

export const ranking: Ranking = {
  scope: TOWNSHIP, quarter: '2026Q4', as_of_ms: NOW,
  weights: [
    { key: 'coverage', weight: 30 }, { key: 'village_share', weight: 25 }, { key: 'overdue', weight: 15 },
    { key: 'timeliness', weight: 15 }, { key: 'rating', weight: 10 }, { key: 'cards', weight: 5 },
  ],
  villages: [
    { rank: 1, area: VILLAGE, name: '锦园社区', parent_name: '锦园镇', parts: parts(0.75, 0.96), template_score: 84.5, highlight_points: 5, total: 89.5 },
    { rank: 2, area: '150621001002', name: '新华村', parent_name: '锦园镇', parts: parts(0.6, 0.9), template_score: 80, highlight_points: 0, total: 80 },
  ],
  grids: [
    { rank: 1, area: GRID, name: '第1网格', parent_name: '锦园社区', parts: parts(0.9, 1), template_score: 91.25, highlight_points: -2, total: 89.25 },
  ],
};

export const highlightRows: HighlightRow[] = [
  { id: 'hl1', area: VILLAGE, area_name: '锦园社区', quarter: '2026Q4', points: 5, reason: '调解经验在全旗推广', awarded_by: '赵敏', awarded_ms: NOW - 24 * HOUR, withdrawn: false },
  { id: 'hl2', area: GRID, area_name: '第1网格', quarter: '2026Q4', points: -2, reason: '台账不全', awarded_by: '赵敏', awarded_ms: NOW - 48 * HOUR, withdrawn: true },
];

const cell = (key: string, value: number | null, previous: number | null) => ({ key, value, previous });

export const notice: MonthlyNotice = {
  scope: TOWNSHIP, scope_name: '锦园镇', month: '2026-11', previous_month: '2026-10', as_of_ms: NOW,
  columns: ['cases_reported', 'resolved_in_village', 'median_close_hours'],
  total: { area: TOWNSHIP, name: '锦园镇', level: 'township', cells: [cell('cases_reported', 48, 40), cell('resolved_in_village', 0.96, 0.97), cell('median_close_hours', 30.25, null)] },
  rows: [
    { area: VILLAGE, name: '锦园社区', level: 'village', cells: [cell('cases_reported', 30, 30), cell('resolved_in_village', null, 1), cell('median_close_hours', 12, 14)] },
    { area: GRID, name: '第1网格', level: 'grid', cells: [cell('cases_reported', 12, 9), cell('resolved_in_village', 1, 1), cell('median_close_hours', 10, 9.5)] },
  ],
  overdue: [
    { dispute: 'd9', area_name: '第1小微网格', category: 'land', stage: 'reported', level: 'village', step: 'verify', due_ms: NOW - 72 * HOUR, days_overdue: 3, description: '草场边界' },
  ],
};
