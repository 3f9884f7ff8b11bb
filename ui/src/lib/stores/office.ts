// What the office's screens share while the app runs: the period the dashboard and the lists
// behind its numbers are counted for (this month until another is picked).
import { writable } from 'svelte/store';
import type { PeriodSpec } from '../bindings/PeriodSpec';
import { monthOf } from '../report/period';

export const officePeriod = writable<PeriodSpec>({ kind: 'month', month: monthOf(Date.now()) });
