import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import VisitForm from '../VisitForm.svelte';

const history = {
  id: 'h1', visits: [], disputes: [], cards: [],
  household: { micro_grid: '150621001001001001', head_name: '张伟', address: '锦园社区', door_number: '3号', phone: null, members: [], tags: [], location: { lat: 40.4, lon: 110.04 }, notes: '', archived: false },
};

afterEach(async () => {
  // Unmount first: leaving the form flushes its draft through the (still mocked) IPC.
  cleanup();
  await new Promise((r) => setTimeout(r, 10));
  clearMocks();
});

describe('VisitForm', () => {
  it('restores a draft, warns when far, and shows the engine refusal inline in Chinese', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'household_history') return history;
      if (cmd === 'load_draft') return JSON.stringify({ findings: '楼道堆物', follow_up_needed: true, manual: true, lat: '40.41', lon: '110.04' });
      if (cmd === 'record_visit')
        throw { kind: 'validation', message: 'invalid', fields: [{ field: 'follow_up', code: 'required', message: 'say what' }] };
    });
    render(VisitForm, { id: 'h1' });
    await waitFor(() => expect(screen.getByTestId('draft-restored')).toBeInTheDocument());
    expect(screen.getByTestId('findings')).toHaveValue('楼道堆物');
    expect(screen.getByTestId('far-warning')).toHaveTextContent('约 1.1 公里');
    await fireEvent.click(screen.getByTestId('save-visit'));
    await waitFor(() => expect(screen.getByTestId('follow-up-error')).toHaveTextContent('请填写跟进事项'));
    const sent = calls.find((c) => c.cmd === 'record_visit')!.args as { visit: Record<string, unknown> };
    expect(sent.visit).toMatchObject({ household: 'h1', manual_position: true, findings: '楼道堆物', fix: { point: { lat: 40.41, lon: 110.04 }, accuracy_m: 0 } });
  });
});
