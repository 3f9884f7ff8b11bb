import { get } from 'svelte/store';
import type { Role } from '../bindings/Role';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { lookup } from '../i18n';
import type { RouteName } from '../routes/params';
import { homeFor, moreFor, navFor, routes, sideNavFor, tabsFor, view } from '../routes/table';
import { back, go, route, tab } from '../stores/router';

describe('the route table', () => {
  it('gives each role its tabs, in order, and starts it on the first', () => {
    const expected: Record<Role, RouteName[]> = {
      grid_worker: ['today', 'households', 'map', 'outbox'],
      grid_leader: ['queue', 'households', 'map', 'outbox'],
      supervisor: ['dashboard', 'queue', 'households', 'map', 'outbox'],
      admin: ['dashboard', 'queue', 'households', 'map', 'outbox'],
    };
    for (const role of Object.keys(expected) as Role[]) {
      expect(tabsFor(role), role).toEqual(expected[role]);
      expect(homeFor(role), role).toBe(expected[role][0]);
    }
    expect(tabsFor(null)).toEqual(expected.grid_worker);
  });

  it("gives the office's roles a side navigation on a desk, the rest linked from their first screen on a phone", () => {
    const office = sideNavFor('supervisor');
    // The contract's order: 看板 · 案件 · 排名 · 月通报 · 设备 · 账号 · 住户 · 地图 · 待同步.
    expect(office).toEqual(['dashboard', 'queue', 'ranking', 'notice', 'fleet', 'accounts', 'households', 'map', 'outbox']);
    expect(sideNavFor('admin')).toEqual(office);
    for (const role of ['grid_worker', 'grid_leader', null] as const) {
      expect(sideNavFor(role), String(role)).toEqual([]);
      expect(navFor(role, true), String(role)).toEqual({ side: false, routes: tabsFor(role) });
      expect(moreFor(role), String(role)).toEqual([]);
    }
    expect(navFor('supervisor', true)).toEqual({ side: true, routes: office });
    expect(navFor('supervisor', false)).toEqual({ side: false, routes: tabsFor('supervisor') });
    expect(moreFor('supervisor')).toEqual(office.filter((n) => !tabsFor('supervisor').includes(n)));
    expect(moreFor('supervisor')).toEqual(['ranking', 'notice', 'fleet', 'accounts']);
  });

  it('has a screen and a title in both languages for every route, and a label for every tab', () => {
    for (const [name, r] of Object.entries(routes)) {
      expect(r.screen, name).toBeTruthy();
      for (const key of [r.title, ...(r.tab ? [r.tab] : [])]) {
        expect(lookup(zhCN, key), `${name}: ${key}`).toBeTruthy();
        expect(lookup(en, key), `${name}: ${key}`).toBeTruthy();
      }
      if (r.tabFor.length > 0 || (r.sideFor ?? []).length > 0) expect(r.tab, name).toBeTruthy();
    }
  });

  it('hands a route its params as the screen props', () => {
    const v = view({ screen: 'household', params: { id: 'h1' } });
    expect(v.screen).toBe(routes.household.screen);
    expect(v.props).toEqual({ id: 'h1' });
  });
});

describe('the router', () => {
  it('goes to a route with its typed params and comes back', () => {
    tab('households');
    go('household', { id: 'h7' });
    expect(get(route)).toEqual({ screen: 'household', params: { id: 'h7' } });
    go('map');
    expect(get(route)).toEqual({ screen: 'map', params: {} });
    back();
    back();
    expect(get(route)).toEqual({ screen: 'households', params: {} });
    // @ts-expect-error a household needs its id
    go('household');
    // @ts-expect-error no such route
    go('nowhere');
  });
});
