import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import FirstRun from '../FirstRun.svelte';

const decodeFile = vi.fn<(f: Blob) => Promise<string | null>>();
vi.mock('../../lib/qr-decode', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/qr-decode')>()),
  decodeFile: (f: Blob) => decodeFile(f),
}));

afterEach(() => {
  cleanup();
  clearMocks();
  decodeFile.mockReset();
});

function choosePicture() {
  const file = new File([new Uint8Array([1, 2, 3])], 'qr.png', { type: 'image/png' });
  return fireEvent.change(screen.getByTestId('scan-file'), { target: { files: [file] } });
}

describe('FirstRun QR scan', () => {
  it('fills the server and the code from a picture of the office’s QR code', async () => {
    const link = 'gridwork:enroll?server=http%3A%2F%2F10.0.0.2%3A8787&code=ABCD-EFGH-JK23';
    const read: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'read_enroll_link') {
        read.push(args);
        return { server: 'http://10.0.0.2:8787', code: 'ABCD-EFGH-JK23' };
      }
    });
    decodeFile.mockResolvedValue(link);
    render(FirstRun);
    await choosePicture();
    await waitFor(() => expect(screen.getByTestId('scan-filled')).toBeInTheDocument());
    expect(read).toEqual([{ text: link }]);
    expect(screen.getByTestId('server')).toHaveValue('http://10.0.0.2:8787');
    expect(screen.getByTestId('code')).toHaveValue('ABCD-EFGH-JK23');
  });

  it('says so when the picture holds no code, or another kind of code', async () => {
    mockIPC((cmd) => {
      if (cmd === 'read_enroll_link') throw { kind: 'validation', message: 'no', fields: [{ field: 'link', code: 'not_enroll_link', message: 'no' }] };
    });
    decodeFile.mockResolvedValue(null);
    render(FirstRun);
    await choosePicture();
    await waitFor(() => expect(screen.getByTestId('scan-message')).toHaveTextContent('图片中没有找到二维码'));
    decodeFile.mockResolvedValue('WIFI:S:office;;');
    await choosePicture();
    await waitFor(() => expect(screen.getByTestId('scan-bad')).toHaveTextContent('不是网格通的注册码'));
    expect(screen.getByTestId('code')).toHaveValue('');
  });

  it('offers the camera only where there is one, and the picture when it cannot be used', async () => {
    mockIPC(() => undefined);
    const saved = Object.getOwnPropertyDescriptor(navigator, 'mediaDevices');
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
    render(FirstRun);
    expect(screen.queryByTestId('scan-camera')).toBeNull();
    cleanup();
    const getUserMedia = vi.fn().mockRejectedValue(new Error('NotAllowedError'));
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
    render(FirstRun);
    await fireEvent.click(screen.getByTestId('scan-camera'));
    await waitFor(() => expect(screen.getByTestId('scan-message')).toHaveTextContent('无法使用摄像头'));
    expect(getUserMedia).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false });
    expect(screen.getByTestId('scan-file')).toBeInTheDocument();
    if (saved) Object.defineProperty(navigator, 'mediaDevices', saved);
    else Reflect.deleteProperty(navigator, 'mediaDevices');
  });

  it('sends the server key the link carries with the enrollment, and none for an address typed over it', async () => {
    const pin = 'sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    const calls: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'read_enroll_link') return { server: 'https://grid.example.cn', code: 'ABCD-EFGH-JK23', pin };
      if (cmd === 'enroll') { calls.push(args as Record<string, unknown>); throw { kind: 'offline', message: 'x', fields: [], net: null, unsynced: null, code: null, params: null }; }
    });
    decodeFile.mockResolvedValue('gridwork:enroll?server=https%3A%2F%2Fgrid.example.cn&code=ABCD-EFGH-JK23&pin=x');
    render(FirstRun);
    await choosePicture();
    await waitFor(() => expect(screen.getByTestId('scan-filled')).toBeInTheDocument());
    await fireEvent.input(screen.getByTestId('pin'), { target: { value: '123456' } });
    await fireEvent.input(screen.getByTestId('pin2'), { target: { value: '123456' } });
    await fireEvent.click(screen.getByTestId('enroll'));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ server_url: 'https://grid.example.cn', code: 'ABCD-EFGH-JK23', server_pin: pin });
    await fireEvent.input(screen.getByTestId('server'), { target: { value: 'https://other.example.cn' } });
    await fireEvent.click(screen.getByTestId('enroll'));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toMatchObject({ server_url: 'https://other.example.cn', server_pin: null });
  });
});
