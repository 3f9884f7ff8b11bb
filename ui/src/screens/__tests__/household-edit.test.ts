import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import type { Household } from '../../lib/bindings/Household';
import type { HandsetStatus } from '../../lib/bindings/HandsetStatus';
import { emptyForm, fromForm, intervalDays, toForm } from '../../lib/household-form';
import { flash, go, route, tab } from '../../lib/stores/router';
import { status } from '../../lib/stores/sync';
import HouseholdDetail from '../HouseholdDetail.svelte';
import HouseholdEdit from '../HouseholdEdit.svelte';

const intervals = {
  untagged_days: 30,
  tags: [['elderly_alone', 7], ['special_care', 7], ['left_behind_child', 14], ['disability', 14], ['low_income', 30], ['rental', 30], ['party_member', 90], ['veteran', 90]],
};
const grids = [{ code: '150621001001001001', name: '锦园一组', due: 0, households: 3 }, { code: '150621001001001002', name: '锦园二组', due: 0, households: 2 }];
const stored: Household = {
  micro_grid: '150621001001001001', head_name: '赵新民', address: '锦园社区', door_number: '9号', phone: '13900001111',
  members: [{ name: '赵小宝', relation: '子女', birth_year: 2015, phone: null }], tags: ['left_behind_child'],
  location: { lat: 40.4, lon: 110.04 }, notes: '', archived: false,
};
const me: HandsetStatus = {
  enrolled: true, user_name: '王芳', user_phone: '13800138000', role: 'grid_worker', scope: '150621001001001',
  device_name: '手机', server_url: 'http://x', pending: 0, rejected: 0, last_sync_ms: null, serials_left: 100,
  may: ['household_create', 'household_edit', 'household_archive'], clock_offset_ms: null, offline_lock: null,
};

type Call = { cmd: string; args: Record<string, unknown> };
function backend(answers: Record<string, (args: Record<string, unknown>) => unknown>): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd in answers) return answers[cmd](args as Record<string, unknown>);
    if (cmd === 'today') return { micro_grids: grids, due: [], follow_ups: [], my_disputes: [] };
    if (cmd === 'visit_intervals') return intervals;
    if (cmd === 'status') return me;
    return null;
  });
  return calls;
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('the household form', () => {
  it('round-trips a household and turns typed text into numbers and nulls', () => {
    expect(fromForm(toForm(stored))).toEqual(stored);
    const f = { ...emptyForm('150621001001001001'), head_name: ' 李四 ', phone: ' ', lat: '40.5', lon: '' };
    f.members = [{ name: '李小四', relation: '子女', birth_year: '20x5', phone: '' }];
    const h = fromForm(f);
    expect(h).toMatchObject({ head_name: '李四', phone: null, location: null });
    expect(h.members[0].birth_year).toBeNaN();
  });

  it('takes the shortest interval of the tags, or the untagged one', () => {
    expect(intervalDays([], intervals as never)).toBe(30);
    expect(intervalDays(['party_member', 'left_behind_child'], intervals as never)).toBe(14);
    expect(intervalDays(['veteran', 'elderly_alone'], intervals as never)).toBe(7);
  });
});

describe('HouseholdEdit', () => {
  it('adds a household: the tags show the interval, the position picks the micro-grid, errors show per field in Chinese', async () => {
    let attempt = 0;
    const calls = backend({
      locate: () => '150621001001001002',
      save_household: () => {
        attempt += 1;
        if (attempt === 1)
          throw { kind: 'validation', message: 'x', fields: [
            { field: 'head_name', code: 'required', message: 'head_name is required' },
            { field: 'members[0].name', code: 'required', message: 'members[0].name is required' },
            { field: 'phone', code: 'phone', message: 'bad phone' },
          ] };
        return 'new-id';
      },
    });
    status.set(me);
    tab('households');
    go('household_edit', {});
    render(HouseholdEdit, {});
    await waitFor(() => expect(screen.getByTestId('interval')).toHaveTextContent('每 30 天'));
    await fireEvent.click(screen.getByTestId('tag-party_member'));
    expect(screen.getByTestId('interval')).toHaveTextContent('每 90 天');
    await fireEvent.click(screen.getByTestId('tag-elderly_alone'));
    expect(screen.getByTestId('interval')).toHaveTextContent('每 7 天');

    await fireEvent.click(screen.getByTestId('manual'));
    await fireEvent.input(screen.getByTestId('lat'), { target: { value: '40.41' } });
    await fireEvent.input(screen.getByTestId('lon'), { target: { value: '110.05' } });
    await fireEvent.change(screen.getByTestId('lon'));
    await waitFor(() => expect(screen.getByTestId('micro-grid')).toHaveValue('150621001001001002'));
    expect(screen.getByTestId('located')).toHaveTextContent('已按定位确定');

    await fireEvent.input(screen.getByTestId('address'), { target: { value: '锦园社区' } });
    await fireEvent.input(screen.getByTestId('phone'), { target: { value: '123' } });
    await fireEvent.click(screen.getByTestId('member-add'));
    await fireEvent.click(screen.getByTestId('save-household'));
    await waitFor(() => expect(screen.getByTestId('head-name-error')).toHaveTextContent('请填写户主姓名'));
    expect(screen.getByTestId('member-error')).toHaveTextContent('请填写成员姓名');
    expect(screen.getByTestId('phone-error')).toHaveTextContent('电话不是有效的电话号码');

    await fireEvent.input(screen.getByTestId('head-name'), { target: { value: '李四' } });
    await fireEvent.input(screen.getByTestId('member-name'), { target: { value: '李小四' } });
    await fireEvent.click(screen.getByTestId('save-household'));
    await waitFor(() => expect(get(route).screen).toBe('households'));
    expect(get(flash)?.text).toContain('已新增住户');
    const sent = calls.filter((c) => c.cmd === 'save_household').at(-1)!.args;
    expect(sent.id).toBeNull();
    expect(sent.household).toMatchObject({
      micro_grid: '150621001001001002', head_name: '李四', address: '锦园社区', phone: '123',
      tags: ['party_member', 'elderly_alone'], location: { lat: 40.41, lon: 110.05 },
      members: [{ name: '李小四', relation: '', birth_year: null, phone: null }], archived: false,
    });
  });

  it('edits a stored household and sends it back under its id', async () => {
    const calls = backend({ household: () => stored, save_household: (a) => a.id });
    render(HouseholdEdit, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('head-name')).toHaveValue('赵新民'));
    expect(screen.getByTestId('interval')).toHaveTextContent('每 14 天');
    expect(screen.getByTestId('member-name')).toHaveValue('赵小宝');
    await fireEvent.click(screen.getByTestId('member-remove'));
    await fireEvent.click(screen.getByTestId('save-household'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'save_household')).toBe(true));
    const sent = calls.find((c) => c.cmd === 'save_household')!.args;
    expect(sent).toEqual({ id: 'h1', household: { ...stored, members: [] } });
    expect(calls.some((c) => c.cmd === 'delete_draft' && c.args.form === 'household:h1')).toBe(true);
  });

  it('keeps unsaved input as a draft and brings it back', async () => {
    const drafts = new Map<string, string>();
    backend({
      household: () => stored,
      save_draft: (a) => void drafts.set(a.form as string, a.body as string),
      load_draft: (a) => drafts.get(a.form as string) ?? null,
    });
    const first = render(HouseholdEdit, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('head-name')).toHaveValue('赵新民'));
    expect(screen.queryByTestId('draft-restored')).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    expect(drafts.size).toBe(0); // nothing typed, nothing kept
    await fireEvent.input(screen.getByTestId('notes'), { target: { value: '儿子在外打工' } });
    first.unmount();
    await waitFor(() => expect(drafts.get('household:h1')).toContain('儿子在外打工'));
    render(HouseholdEdit, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('draft-restored')).toBeInTheDocument());
    expect(screen.getByTestId('notes')).toHaveValue('儿子在外打工');
  });
});

describe('HouseholdDetail', () => {
  it('archives a household that moved away only after the confirmation', async () => {
    const calls = backend({
      household_history: () => ({ id: 'h1', household: stored, visits: [], disputes: [], cards: [] }),
      household: () => stored,
      save_household: (a) => a.id,
    });
    status.set(me);
    tab('households');
    go('household', { id: 'h1' });
    render(HouseholdDetail, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('archive-household')).toBeInTheDocument());
    expect(screen.getByTestId('edit-household')).toHaveTextContent('编辑');
    await fireEvent.click(screen.getByTestId('archive-household'));
    expect(screen.getByTestId('archive-confirm')).toHaveTextContent('确认 赵新民 一户已迁出');
    await fireEvent.click(screen.getByTestId('archive-no'));
    expect(screen.queryByTestId('archive-confirm')).toBeNull();
    expect(calls.some((c) => c.cmd === 'save_household')).toBe(false);
    await fireEvent.click(screen.getByTestId('archive-household'));
    await fireEvent.click(screen.getByTestId('archive-yes'));
    await waitFor(() => expect(get(route).screen).toBe('households'));
    expect(calls.find((c) => c.cmd === 'save_household')!.args).toEqual({ id: 'h1', household: { ...stored, archived: true } });
    expect(get(flash)?.text).toBe('已将 赵新民 一户归档');
  });

  it('offers no edit or archive to an account the authority table does not allow', async () => {
    backend({ household_history: () => ({ id: 'h1', household: stored, visits: [], disputes: [], cards: [] }) });
    status.set({ ...me, may: ['visit_record'] });
    render(HouseholdDetail, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('record-visit')).toBeInTheDocument());
    expect(screen.queryByTestId('edit-household')).toBeNull();
    expect(screen.queryByTestId('archive-household')).toBeNull();
  });
});
