// The route table: for each route its screen (which receives the route's params as props, so a
// screen and its params cannot disagree), the catalog key of its title, and the roles that see
// it as a bottom tab (tabs appear in the table's order). App.svelte renders from it; nothing else lists screens.
import type { Component } from 'svelte';
import type { Role } from '../bindings/Role';
import CardIssue from '../../screens/CardIssue.svelte';
import Case from '../../screens/Case.svelte';
import Conflicts from '../../screens/Conflicts.svelte';
import DisputeForm from '../../screens/DisputeForm.svelte';
import HouseholdDetail from '../../screens/HouseholdDetail.svelte';
import HouseholdEdit from '../../screens/HouseholdEdit.svelte';
import Households from '../../screens/Households.svelte';
import MapView from '../../screens/MapView.svelte';
import Outbox from '../../screens/Outbox.svelte';
import Queue from '../../screens/Queue.svelte';
import Today from '../../screens/Today.svelte';
import VisitForm from '../../screens/VisitForm.svelte';
import type { Route, RouteName, RouteParams } from './params';

export interface RouteEntry<K extends RouteName> {
  screen: Component<RouteParams[K]>;
  /** Catalog key of the screen's title (the header). */
  title: string;
  /** Catalog key of the tab's label, for routes that are a tab for some role. */
  tab?: string;
  /** The roles that see this route as a bottom tab. */
  tabFor: readonly Role[];
}

const everyone: readonly Role[] = ['grid_worker', 'grid_leader', 'supervisor', 'admin'];

export const routes: { [K in RouteName]: RouteEntry<K> } = {
  queue: { screen: Queue, title: 'route.queue', tab: 'nav.queue', tabFor: ['grid_leader', 'supervisor', 'admin'] },
  case: { screen: Case, title: 'route.case', tabFor: [] },
  today: { screen: Today, title: 'route.today', tab: 'nav.today', tabFor: ['grid_worker'] },
  households: { screen: Households, title: 'route.households', tab: 'nav.households', tabFor: everyone },
  household: { screen: HouseholdDetail, title: 'route.household', tabFor: [] },
  household_edit: { screen: HouseholdEdit, title: 'route.household_edit', tabFor: [] },
  visit: { screen: VisitForm, title: 'route.visit', tabFor: [] },
  dispute: { screen: DisputeForm, title: 'route.dispute', tabFor: [] },
  card: { screen: CardIssue, title: 'route.card', tabFor: [] },
  map: { screen: MapView, title: 'route.map', tab: 'nav.map', tabFor: everyone },
  outbox: { screen: Outbox, title: 'route.outbox', tab: 'nav.outbox', tabFor: everyone },
  conflicts: { screen: Conflicts, title: 'route.conflicts', tabFor: [] },
};

/** The bottom tabs a role sees, in order (a device without a role sees the worker's). */
export function tabsFor(role: Role | null | undefined): RouteName[] {
  const r = role ?? 'grid_worker';
  return (Object.keys(routes) as RouteName[]).filter((name) => routes[name].tabFor.includes(r));
}

/** The screen a role starts on: its first tab. */
export function homeFor(role: Role | null | undefined): RouteName {
  return tabsFor(role)[0];
}

/** The screen and props of a route, for rendering. */
export function view(r: Route): { screen: Component<Record<string, unknown>>; props: Record<string, unknown> } {
  return { screen: routes[r.screen].screen as Component<Record<string, unknown>>, props: r.params as Record<string, unknown> };
}
