import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { api } from '../api';
import { COMMAND_NAMES, commands } from '../commands.gen';

afterEach(() => clearMocks());

const camel = (s: string) => s.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

describe('the generated command client', () => {
  it('has one function per command name, and api carries them all', () => {
    expect(Object.keys(commands).sort()).toEqual(COMMAND_NAMES.map(camel).sort());
    for (const name of COMMAND_NAMES) expect(typeof (api as Record<string, unknown>)[camel(name)]).toBe('function');
  });

  it('sends the arguments under their Rust names and answers what the command answered', async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return [];
    });
    await api.listHouseholds('150621001001001', 'zw', 300);
    await api.conflicts(true);
    expect(seen).toEqual([
      ['list_households', { area: '150621001001001', text: 'zw', limit: 300 }],
      ['conflicts', { include_resolved: true }],
    ]);
  });

  it('rejects with a TaggedError whatever the IPC threw', async () => {
    mockIPC(() => {
      throw 'boom';
    });
    await expect(api.status()).rejects.toMatchObject({ kind: 'internal', message: 'boom', fields: [] });
  });
});
