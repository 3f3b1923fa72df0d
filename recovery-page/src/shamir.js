// Shamir's secret sharing over GF(2^8) with the reduction polynomial x^8+x^4+x^3+x^2+1 (0x11D,
// as blahaj implements it; not AES's 0x11B): Lagrange interpolation at 0, byte by byte
// (FORMAT.md, "Shamir").

const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let v = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = v;
    LOG[v] = i;
    v <<= 1;
    if (v & 0x100) v ^= 0x11d;
  }
  for (let i = 255; i < 510; i++) EXP[i] = EXP[i - 255];
}

const mul = (a, b) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);
const div = (a, b) => (a === 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]]);

/**
 * The secret of `points` ({x, y: Uint8Array}) with distinct non-zero x: interpolation at 0.
 * @returns {Uint8Array}
 */
export function combine(points) {
  const len = points[0].y.length;
  const out = new Uint8Array(len);
  points.forEach((p, i) => {
    // The Lagrange basis at 0: prod over m != i of x_m / (x_m XOR x_i).
    let basis = 1;
    points.forEach((q, m) => {
      if (m !== i) basis = mul(basis, div(q.x, q.x ^ p.x));
    });
    for (let j = 0; j < len; j++) out[j] ^= mul(p.y[j], basis);
  });
  return out;
}
