import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Area } from '../../lib/bindings/Area';
import { status } from '../../lib/stores/sync';
import Accounts from '../Accounts.svelte';
import { accounts, NOW, supervisor } from './office-fixtures';

const areas: Area[] = [
  { code: '150621001', name: '吉格斯太镇', level: 'township', parent: '150621' },
  { code: '150621001001', name: '锦园社区', level: 'village', parent: '150621001' },
  { code: '150621001001001', name: '锦园一网格', level: 'grid', parent: '150621001001' },
];

type Call = { cmd: string; args: Record<string, unknown> };

function serve(calls: Call[]) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    if (cmd === 'office_accounts') return accounts;
    if (cmd === 'areas') return areas;
    if (cmd === 'create_account') return { ...accounts[1], handle: '150621001-W-0005', name: '孙丽' };
    if (cmd === 'issue_code')
      return { account: '150621001-W-0004', code: 'ABCD-EFGH-JK23', expires_ms: NOW + 7 * 86_400_000, link: 'gridwork:enroll?server=http%3A%2F%2F10.0.0.2%3A8787&code=ABCD-EFGH-JK23' };
    if (cmd === 'revoke_device' || cmd === 'disable_account') return accounts[0];
  });
}

afterEach(() => {
  cleanup();
  clearMocks();
});

const sent = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd);

describe('Accounts', () => {
  beforeEach(() => status.set(supervisor));

  it('makes an account only once it is confirmed', async () => {
    const calls: Call[] = [];
    serve(calls);
    render(Accounts);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('account-new'));
    await fireEvent.click(screen.getByTestId('account-save'));
    expect(screen.getByTestId('account-form-error')).toHaveTextContent('请填写姓名');
    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: ' 孙丽 ' } });
    await fireEvent.input(screen.getByTestId('account-phone'), { target: { value: '13712345678' } });
    await waitFor(() => expect(screen.getByTestId('account-area').querySelectorAll('option')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('account-area'), { target: { value: '150621001001001' } });
    await fireEvent.click(screen.getByTestId('account-save'));
    expect(screen.getByTestId('confirm')).toHaveTextContent('确认为 孙丽（网格员，锦园社区 · 锦园一网格）创建账号？');
    expect(sent(calls, 'create_account')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('accounts-done')).toHaveTextContent('已创建账号 150621001-W-0005'));
    expect(sent(calls, 'create_account')[0].args).toEqual({
      account: { name: '孙丽', phone: '13712345678', role: 'grid_worker', scope: '150621001001001' },
    });
  });

  it('issues a code shown as text and as a QR code with its expiry', async () => {
    const calls: Call[] = [];
    serve(calls);
    render(Accounts);
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('valid-days'), { target: { value: '3' } });
    await fireEvent.click(screen.getAllByTestId('account-issue')[1]);
    expect(screen.getByTestId('confirm')).toHaveTextContent('周涛（150621001-W-0004）发放一张 3 天内有效');
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('issued-code')).toHaveTextContent('ABCD-EFGH-JK23'));
    expect(sent(calls, 'issue_code')[0].args).toEqual({ account: '150621001-W-0004', valid_days: 3 });
    expect(screen.getByTestId('issued-expires')).toHaveTextContent('有效期至');
    await waitFor(() => expect(screen.getByTestId('qr').querySelector('svg')).not.toBeNull());
  });

  it('revokes a handset and disables an account after asking, and not when cancelled', async () => {
    const calls: Call[] = [];
    serve(calls);
    render(Accounts);
    await waitFor(() => expect(screen.getAllByTestId('device-revoke')).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('device-revoke'));
    expect(screen.getByTestId('confirm')).toHaveTextContent('确认吊销设备“手机”（王芳）？');
    await fireEvent.click(screen.getByTestId('confirm-no'));
    expect(screen.queryByTestId('confirm')).toBeNull();
    expect(sent(calls, 'revoke_device')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('device-revoke'));
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('accounts-done')).toHaveTextContent('已吊销设备“手机”'));
    expect(sent(calls, 'revoke_device')[0].args).toEqual({ device: 'd1' });
    await fireEvent.click(screen.getAllByTestId('account-disable')[0]);
    expect(screen.getByTestId('confirm')).toHaveTextContent('确认停用 王芳（150621001-W-0001）的账号？');
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(sent(calls, 'disable_account')[0]?.args).toEqual({ account: '150621001-W-0001' }));
  });

  it('shows a refusal of the server in words', async () => {
    mockIPC((cmd) => {
      if (cmd === 'office_accounts') return accounts;
      if (cmd === 'areas') return areas;
      if (cmd === 'disable_account') throw { kind: 'forbidden', message: 'no', fields: [], code: 'forbidden' };
    });
    render(Accounts);
    await waitFor(() => expect(screen.getAllByTestId('account-disable')).toHaveLength(2));
    await fireEvent.click(screen.getAllByTestId('account-disable')[0]);
    await fireEvent.click(screen.getByTestId('confirm-yes'));
    await waitFor(() => expect(screen.getByTestId('accounts-error')).toBeInTheDocument());
  });
});
