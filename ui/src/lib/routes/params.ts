// Every route of the app with the parameters it takes, as types: `go('household', { id })`
// fails to compile without an id, and each screen receives its route's params as props.
import type { AreaCode } from '../bindings/AreaCode';
import type { Figure } from '../bindings/Figure';
import type { PeriodSpec } from '../bindings/PeriodSpec';
import type { QueueBucket } from '../bindings/QueueBucket';

/** A route without parameters. */
export type NoParams = Record<never, never>;

/** The parameters of each route (a `?` param may be left out). */
export interface RouteParams {
  /** The office's dashboard, for the period the office picked (stores/office.ts). */
  dashboard: NoParams;
  /** The list behind a dashboard number: the figure, its period, the area (the device's scope when
   *  left out) and, for a coverage figure, the area's name. */
  figures: { figure: Figure; period: PeriodSpec; scope?: AreaCode; area_name?: string };
  ranking: NoParams;
  notice: NoParams;
  /** The leader's / supervisor's case queue, opened on one bucket when given. */
  queue: { bucket?: QueueBucket };
  case: { id: string };
  today: NoParams;
  /** The office's handsets and their health. */
  fleet: NoParams;
  /** The office's accounts, one-time codes, revocations. */
  accounts: NoParams;
  households: { grid?: string };
  household: { id: string };
  /** Without an id: a new household (in `grid` when given). */
  household_edit: { id?: string; grid?: string };
  visit: { id: string };
  dispute: { household?: string };
  card: { id: string };
  map: { grid?: string };
  outbox: NoParams;
  conflicts: NoParams;
}

export type RouteName = keyof RouteParams;

/** A route and its params, discriminated by `screen`. */
export type Route = { [K in RouteName]: { screen: K; params: RouteParams[K] } }[RouteName];
