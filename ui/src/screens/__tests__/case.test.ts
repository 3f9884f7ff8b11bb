import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import { get } from 'svelte/store';
import { flash, route } from '../../lib/stores/router';
import Case from '../Case.svelte';
import { NOW, caseView, eachTestAtNow, handlers } from './case-fixtures';
import type { CaseView } from '../../lib/bindings/CaseView';

type Call = { cmd: string; args: Record<string, unknown> };

/** Mocks the commands the case screen calls; `step` answers case_step. */
function mock(view: CaseView, step: (args: Record<string, unknown>) => unknown = () => 'ev1'): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, raw) => {
    const args = (raw ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    if (cmd === 'case_view') return view;
    if (cmd === 'handlers') return handlers.filter((h) => h.name.includes(String(args.text ?? '')));
    if (cmd === 'areas') return [];
    if (cmd === 'status') return { enrolled: true, pending: 1, may: [] };
    if (cmd === 'case_step') return step(args);
  });
  return calls;
}

eachTestAtNow();
beforeEach(() => route.set({ screen: 'case', params: { id: 'd1' } }));

describe('Case', () => {
  it('shows the report, the deadline, the timeline with synced flags, and only the allowed actions', async () => {
    mock(caseView());
    render(Case, { props: { id: 'd1' } });
    await waitFor(() => expect(screen.getByTestId('case-stage')).toHaveTextContent('已立案'));
    expect(screen.getByTestId('case-description')).toHaveTextContent('楼上漏水');
    expect(screen.getByText('13800138001')).toHaveAttribute('href', 'tel:13800138001');
    expect(screen.getByTestId('case-due')).toHaveTextContent('本步期限：剩 5 小时');
    const entries = screen.getAllByTestId('timeline-entry');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent('上报');
    expect(entries[0]).toHaveTextContent('✓ 已同步');
    expect(entries[1]).toHaveTextContent('核实立案');
    expect(entries[1]).toHaveTextContent('待同步');
    expect(screen.getByTestId('action-dispatched')).toBeInTheDocument();
    for (const a of ['verified', 'rejected', 'mediation_attempt', 'feedback', 'escalated', 'referred', 'closed', 'rated', 'reopened', 'settled'])
      expect(screen.queryByTestId(`action-${a}`), a).toBeNull();
    await fireEvent.click(screen.getByTestId('case-household'));
    expect(get(route)).toEqual({ screen: 'household', params: { id: 'h1' } });
  });

  it('dispatches only to a handler picked from the list, never to typed text', async () => {
    let dispatched = false;
    const calls = mock(caseView(), () => { dispatched = true; return 'ev1'; });
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-dispatched'));
    await waitFor(() => expect(screen.getAllByTestId('handler-option')).toHaveLength(4));
    expect(screen.getByText('调解员 / 调解委员会')).toBeInTheDocument();
    expect(screen.getByText('职能部门')).toBeInTheDocument();

    await fireEvent.input(screen.getByTestId('dispatch-search'), { target: { value: '随便写的人' } });
    await waitFor(() => expect(screen.queryAllByTestId('handler-option')).toHaveLength(0));
    await fireEvent.click(screen.getByTestId('submit-step'));
    expect(screen.getByTestId('step-problem')).toHaveTextContent('请从名单中选择承办人');
    expect(calls.some((c) => c.cmd === 'case_step')).toBe(false);

    await fireEvent.input(screen.getByTestId('dispatch-search'), { target: { value: '王' } });
    await waitFor(() => expect(screen.getAllByTestId('handler-option')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('handler-option'));
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(dispatched).toBe(true));
    const step = calls.find((c) => c.cmd === 'case_step')!;
    expect(step.args).toEqual({ dispute: 'd1', action: { type: 'dispatched', to: '王芳' }, note: '', visit: null });
    await waitFor(() => expect(get(flash)?.text).toBe('已派遣给 王芳'));
    expect(screen.queryByTestId('step-form')).toBeNull();
  });

  it('shows a workflow refusal in Chinese by its code, with its params translated', async () => {
    mock(caseView(), () => {
      throw { kind: 'workflow', message: 'cannot dispatch a case that has not been verified', fields: [], net: null, unsynced: null,
        code: 'stage', params: { action: 'dispatched', stage: 'reported' } };
    });
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-dispatched'));
    await fireEvent.click((await screen.findAllByTestId('handler-option'))[0]);
    await fireEvent.click(screen.getByTestId('submit-step'));
    const refusal = await screen.findByTestId('step-refusal');
    expect(refusal).toHaveTextContent('案件现在是「待核实」，不能派遣');
    expect(refusal.textContent).not.toMatch(/[A-Za-z]/);
  });

  it('words a refused handler by its field and code', async () => {
    mock(caseView(), () => {
      throw { kind: 'validation', message: 'invalid', fields: [{ field: 'action.to', code: 'unknown_handler', message: 'x is not among' }],
        net: null, unsynced: null, code: null, params: null };
    });
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-dispatched'));
    await fireEvent.click((await screen.findAllByTestId('handler-option'))[0]);
    await fireEvent.click(screen.getByTestId('submit-step'));
    expect(await screen.findByTestId('step-refusal')).toHaveTextContent('承办人不在承办人名单中，请从名单中选择');
  });

  it('shows each step of the timeline in words: mediator, outcome, agreement, reason, note', async () => {
    const view = caseView();
    const at = new Date(NOW).toISOString();
    const event = (action: CaseView['timeline'][number]['event']['action'], note = '') =>
      ({ id: `x${action.type}`, synced: true, skipped: null, event: { dispute: 'd1', micro_grid: '1', actor: '李强', at, action, note, visit: null } });
    view.timeline = [
      event({ type: 'mediation_attempt', level: 'village', number: 1, outcome: 'succeeded', mediator: 'med-1', agreement: '赔偿 800 元' }, '双方签字'),
      event({ type: 'rejected', reason: '重复上报' }),
      event({ type: 'escalated', to: 'township' }),
      event({ type: 'closed', household_confirmed: true }),
      event({ type: 'rated', score: 4 }),
    ];
    mock(view);
    render(Case, { props: { id: 'd1' } });
    await waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(5));
    const [m, r, e, c, s] = screen.getAllByTestId('timeline-entry');
    await waitFor(() => expect(m).toHaveTextContent('调解员：锦园社区人民调解委员会'));
    expect(m).toHaveTextContent('记录调解');
    expect(m).toHaveTextContent('村级第1次调解 · 调解成功');
    expect(m).toHaveTextContent('协议：赔偿 800 元');
    expect(m).toHaveTextContent('备注：双方签字');
    expect(r).toHaveTextContent('原因：重复上报');
    expect(e).toHaveTextContent('上报至乡镇级');
    expect(c).toHaveTextContent('已与当事户核实确认');
    expect(s).toHaveTextContent('4 星');
  });

  it('shows an authority refusal in Chinese', async () => {
    mock(caseView(), () => {
      throw { kind: 'forbidden', message: 'a grid_worker may not dispatch', fields: [], net: null, unsynced: null,
        code: 'forbidden', params: { role: 'grid_worker', action: 'dispatch', level: 'village' } };
    });
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-dispatched'));
    await fireEvent.click((await screen.findAllByTestId('handler-option'))[0]);
    await fireEvent.click(screen.getByTestId('submit-step'));
    const refusal = await screen.findByTestId('step-refusal');
    expect(refusal).toHaveTextContent('网格员无权对这个案件进行「派遣」');
    expect(refusal.textContent).not.toMatch(/[A-Za-z]/);
  });

  it('records a mediation attempt at the level and number the case fixes', async () => {
    const view = caseView({ allowed: ['mediation_attempt', 'escalated'] },
      { stage: 'mediating', attempts: { village: 1, township: 0, banner: 0 }, last_outcome: 'failed', dispatched_to: '王芳' });
    const calls = mock(view);
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-mediation_attempt'));
    expect(screen.getByTestId('attempt-fixed')).toHaveTextContent('村级 第2/3次');
    await fireEvent.click((await screen.findAllByTestId('handler-option'))[2]);
    await fireEvent.click(screen.getByTestId('mediation-outcome-succeeded'));
    await fireEvent.click(screen.getByTestId('submit-step'));
    expect(screen.getByTestId('step-problem')).toHaveTextContent('请填写调解协议内容');
    await fireEvent.input(screen.getByTestId('agreement'), { target: { value: '楼上赔偿 800 元' } });
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'case_step')).toBe(true));
    expect(calls.find((c) => c.cmd === 'case_step')!.args.action).toEqual({
      type: 'mediation_attempt', level: 'village', number: 2, outcome: 'succeeded', mediator: 'med-1', agreement: '楼上赔偿 800 元',
    });
    await waitFor(() => expect(get(flash)?.text).toBe('已记录村级第2次调解'));
  });

  it('escalates to the next level, shown not asked', async () => {
    const calls = mock(caseView({ allowed: ['escalated'] }, { stage: 'mediating', attempts: { village: 3, township: 0, banner: 0 } }));
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-escalated'));
    expect(screen.getByTestId('escalate-to')).toHaveTextContent('乡镇级');
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(calls.find((c) => c.cmd === 'case_step')?.args.action).toEqual({ type: 'escalated', to: 'township' }));
  });

  it('closes a village case only with who handled it and the household confirmed, and rates 1 to 5 with a comment', async () => {
    const calls = mock(caseView({ allowed: ['closed', 'reopened'] }, { stage: 'resolved' }));
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-closed'));
    expect(screen.getByRole('radiogroup', { name: '由谁办理（村级）' })).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('submit-step'));
    expect(screen.getByTestId('step-problem')).toHaveTextContent('请选择由谁办理：村党组织书记或调委会委员');
    await fireEvent.click(screen.getByTestId('village-handler-committee'));
    expect(screen.getByTestId('village-handler-committee')).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByTestId('village-handler-secretary')).toHaveTextContent('村党组织书记');
    await fireEvent.click(screen.getByTestId('submit-step'));
    expect(screen.getByTestId('step-problem')).toHaveTextContent('结案前请先与当事户核实确认');
    await fireEvent.click(screen.getByTestId('confirm-household'));
    await fireEvent.input(screen.getByTestId('note'), { target: { value: '双方满意' } });
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(calls.find((c) => c.cmd === 'case_step')?.args).toMatchObject({ note: '双方满意' }));
    expect(calls.find((c) => c.cmd === 'case_step')?.args.action).toEqual({ type: 'closed', household_confirmed: true, village_handler: 'committee' });
    cleanup();

    // Above the village nobody is asked: the action carries no handler.
    const township = mock(caseView({ allowed: ['closed'] }, { stage: 'resolved', level: 'township' }));
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-closed'));
    expect(screen.queryByTestId('village-handler-secretary')).toBeNull();
    await fireEvent.click(screen.getByTestId('confirm-household'));
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(township.find((c) => c.cmd === 'case_step')?.args.action).toEqual({ type: 'closed', household_confirmed: true }));
    cleanup();

    const rated = mock(caseView({ allowed: ['rated', 'reopened'] }, { stage: 'closed' }));
    render(Case, { props: { id: 'd1' } });
    await fireEvent.click(await screen.findByTestId('action-rated'));
    await fireEvent.click(screen.getByTestId('rating-4'));
    await fireEvent.input(screen.getByTestId('note'), { target: { value: '处理及时' } });
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(rated.find((c) => c.cmd === 'case_step')?.args).toMatchObject({ action: { type: 'rated', score: 4 }, note: '处理及时' }));
  });

  it('flags a contradiction and lets the leader settle it', async () => {
    const view = caseView({ allowed: ['settled', 'rated'] }, { stage: 'closed', unsettled: 1 });
    view.timeline[1].skipped = { index: 1, action: 'verified', code: 'stage', reason: 'x' };
    const calls = mock(view);
    render(Case, { props: { id: 'd1' } });
    expect(await screen.findByTestId('contradiction')).toHaveTextContent('有 1 条相互矛盾的进展');
    expect(screen.getByTestId('timeline-skipped')).toHaveTextContent('未计入：与同时办理的其他进展相互矛盾');
    await fireEvent.click(screen.getByTestId('action-settled'));
    await fireEvent.click(screen.getByTestId('submit-step'));
    await waitFor(() => expect(calls.find((c) => c.cmd === 'case_step')?.args.action).toEqual({ type: 'settled' }));
  });
});
