import QRCode from 'qrcode';
import { decodeQr, type Pixels } from '../qr-decode';

/** The QR code of `text` as the `qrcode` package makes it, drawn black on white at `scale`
 *  pixels per module with a 4-module quiet zone (what a photo of the screen gives, cleaned up). */
function drawn(text: string, scale = 4, invert = false): Pixels {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const side = (size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.floor(y / scale) - 4;
      const c = Math.floor(x / scale) - 4;
      const dark = r >= 0 && c >= 0 && r < size && c < size && qr.modules.get(r, c) === 1;
      const v = dark !== invert ? 0 : 255;
      const i = (y * side + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = v;
      data[i + 3] = 255;
    }
  }
  return { data, width: side, height: side };
}

describe('decodeQr', () => {
  it('reads back the enrollment link a QR code was made from', () => {
    const link = 'gridwork:enroll?server=http%3A%2F%2F192.168.1.20%3A8787&code=ABCD-EFGH-JK23';
    expect(decodeQr(drawn(link))).toBe(link);
    expect(decodeQr(drawn(link, 3))).toBe(link);
  });

  it('reads Chinese text and an inverted (light on dark) code', () => {
    expect(decodeQr(drawn('网格通 注册码'))).toBe('网格通 注册码');
    expect(decodeQr(drawn('gridwork:enroll?x', 4, true))).toBe('gridwork:enroll?x');
  });

  it('finds nothing in a blank or noisy picture', () => {
    const side = 120;
    const blank = new Uint8ClampedArray(side * side * 4).fill(255);
    expect(decodeQr({ data: blank, width: side, height: side })).toBeNull();
    let seed = 7;
    const noise = blank.map((_, i) => (i % 4 === 3 ? 255 : ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 255));
    expect(decodeQr({ data: noise, width: side, height: side })).toBeNull();
  });
});
