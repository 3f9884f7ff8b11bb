// Every route of the app with the parameters it takes, as types: `go('household', { id })`
// fails to compile without an id, and each screen receives its route's params as props.
import type { QueueBucket } from '../bindings/QueueBucket';

/** A route without parameters. */
export type NoParams = Record<never, never>;

/** The parameters of each route (a `?` param may be left out). */
export interface RouteParams {
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
