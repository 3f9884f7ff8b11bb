// The route table: for each route its screen (which receives the route's params as props, so a
// screen and its params cannot disagree), the catalog key of its title, the roles that see it as a
// bottom tab (phone width) and the roles that see it in the office's side navigation (a desk,
// ≥ 1280 px); tabs and side entries appear in the table's order. App.svelte renders from it;
// nothing else lists screens.
import type { Component } from 'svelte';
import type { Role } from '../bindings/Role';
import Accounts from '../../screens/Accounts.svelte';
import CardIssue from '../../screens/CardIssue.svelte';
import Case from '../../screens/Case.svelte';
import Conflicts from '../../screens/Conflicts.svelte';
import Dashboard from '../../screens/Dashboard.svelte';
import DisputeForm from '../../screens/DisputeForm.svelte';
import FigureList from '../../screens/FigureList.svelte';
import Fleet from '../../screens/Fleet.svelte';
import HouseholdDetail from '../../screens/HouseholdDetail.svelte';
import HouseholdEdit from '../../screens/HouseholdEdit.svelte';
import Households from '../../screens/Households.svelte';
import MapView from '../../screens/MapView.svelte';
import Notice from '../../screens/Notice.svelte';
import Outbox from '../../screens/Outbox.svelte';
import Queue from '../../screens/Queue.svelte';
import Ranking from '../../screens/Ranking.svelte';
import Today from '../../screens/Today.svelte';
import VisitForm from '../../screens/VisitForm.svelte';
import type { Route, RouteName, RouteParams } from './params';

export interface RouteEntry<K extends RouteName> {
  screen: Component<RouteParams[K]>;
  /** Catalog key of the screen's title (the header). */
  title: string;
  /** Catalog key of the tab's label, for routes that are a tab for some role. */
  tab?: string;
  /** The roles that see this route as a bottom tab (phone width). */
  tabFor: readonly Role[];
  /** The roles that see it in the side navigation of the desk layout (the office's roles). */
  sideFor?: readonly Role[];
}

const everyone: readonly Role[] = ['grid_worker', 'grid_leader', 'supervisor', 'admin'];
/** The township office (supervisor) and the banner centre (admin): the roles with a desk layout. */
export const office: readonly Role[] = ['supervisor', 'admin'];

export const routes: { [K in RouteName]: RouteEntry<K> } = {
  dashboard: { screen: Dashboard, title: 'route.dashboard', tab: 'nav.dashboard', tabFor: office, sideFor: office },
  queue: { screen: Queue, title: 'route.queue', tab: 'nav.queue', tabFor: ['grid_leader', 'supervisor', 'admin'], sideFor: office },
  ranking: { screen: Ranking, title: 'route.ranking', tab: 'nav.ranking', tabFor: [], sideFor: office },
  notice: { screen: Notice, title: 'route.notice', tab: 'nav.notice', tabFor: [], sideFor: office },
  fleet: { screen: Fleet, title: 'route.fleet', tab: 'nav.fleet', tabFor: [], sideFor: office },
  accounts: { screen: Accounts, title: 'route.accounts', tab: 'nav.accounts', tabFor: [], sideFor: office },
  figures: { screen: FigureList, title: 'route.figures', tabFor: [] },
  case: { screen: Case, title: 'route.case', tabFor: [] },
  today: { screen: Today, title: 'route.today', tab: 'nav.today', tabFor: ['grid_worker'] },
  households: { screen: Households, title: 'route.households', tab: 'nav.households', tabFor: everyone, sideFor: office },
  household: { screen: HouseholdDetail, title: 'route.household', tabFor: [] },
  household_edit: { screen: HouseholdEdit, title: 'route.household_edit', tabFor: [] },
  visit: { screen: VisitForm, title: 'route.visit', tabFor: [] },
  dispute: { screen: DisputeForm, title: 'route.dispute', tabFor: [] },
  card: { screen: CardIssue, title: 'route.card', tabFor: [] },
  map: { screen: MapView, title: 'route.map', tab: 'nav.map', tabFor: everyone, sideFor: office },
  outbox: { screen: Outbox, title: 'route.outbox', tab: 'nav.outbox', tabFor: everyone, sideFor: office },
  conflicts: { screen: Conflicts, title: 'route.conflicts', tabFor: [] },
};

/** The bottom tabs a role sees, in order (a device without a role sees the worker's). */
export function tabsFor(role: Role | null | undefined): RouteName[] {
  const r = role ?? 'grid_worker';
  return (Object.keys(routes) as RouteName[]).filter((name) => routes[name].tabFor.includes(r));
}

/** The side navigation a role sees on a desk, in order (empty: the role has no desk layout). */
export function sideNavFor(role: Role | null | undefined): RouteName[] {
  const r = role ?? 'grid_worker';
  return (Object.keys(routes) as RouteName[]).filter((name) => routes[name].sideFor?.includes(r));
}

/** The navigation to show: the side navigation on a desk for a role that has one, else the tabs. */
export function navFor(role: Role | null | undefined, wide: boolean): { side: boolean; routes: RouteName[] } {
  const side = wide ? sideNavFor(role) : [];
  return side.length > 0 ? { side: true, routes: side } : { side: false, routes: tabsFor(role) };
}

/** What a role's side navigation holds that its bottom tabs do not: at phone width these are
 *  reached from links on its first screen. */
export function moreFor(role: Role | null | undefined): RouteName[] {
  const tabs = tabsFor(role);
  return sideNavFor(role).filter((name) => !tabs.includes(name));
}

/** The screen a role starts on: its first tab. */
export function homeFor(role: Role | null | undefined): RouteName {
  return tabsFor(role)[0];
}

/** The screen and props of a route, for rendering. */
export function view(r: Route): { screen: Component<Record<string, unknown>>; props: Record<string, unknown> } {
  return { screen: routes[r.screen].screen as Component<Record<string, unknown>>, props: r.params as Record<string, unknown> };
}
