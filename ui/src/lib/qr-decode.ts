// Reading a QR code on the device (no network): pixels from a camera frame or a chosen picture,
// decoded with jsQR. A picture is drawn onto a canvas no larger than MAX_SIDE to get its pixels.
import jsQR from 'jsqr';

/** Pixels as the canvas gives them: RGBA, row by row. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Longest side a picture is scaled down to before decoding (a phone photo is 4000 px wide). */
export const MAX_SIDE = 1024;

/** The text of the QR code in `pixels`, or null when none is found. */
export function decodeQr(pixels: Pixels): string | null {
  const found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' });
  return found?.data ? found.data : null;
}

/** The pixels of a drawable (video frame, image) scaled to fit MAX_SIDE; null without a 2D canvas. */
export function pixelsOf(source: CanvasImageSource, width: number, height: number): Pixels | null {
  if (width <= 0 || height <= 0) return null;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  return { data: img.data, width: w, height: h };
}

/** The text of the QR code in a chosen picture, or null when none is found. */
export async function decodeFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const pixels = pixelsOf(bitmap, bitmap.width, bitmap.height);
    return pixels ? decodeQr(pixels) : null;
  } finally {
    bitmap.close();
  }
}
