// A photo or scan of a kit's QR code, decoded in the page with jsQR: the image is drawn on a
// canvas (scaled down if large) and never leaves the page.
import jsQR from 'jsqr';

const MAX_SIDE = 2000;

/** The text of the QR code in an image file, or null if none is found. */
export async function decodeQrFile(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const image = ctx.getImageData(0, 0, w, h);
  const code = jsQR(image.data, w, h, { inversionAttempts: 'attemptBoth' });
  image.data.fill(0);
  ctx.clearRect(0, 0, w, h);
  return code ? code.data : null;
}
