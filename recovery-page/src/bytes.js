// Bytes, text and the encodings FORMAT.md uses: hex, RFC 4648 base32 and base64, big-endian
// integers, and H(a, b, ...): SHA-256 over each part preceded by its 4-byte big-endian length.
import { sha256 } from '@noble/hashes/sha2.js';

const encoder = new TextEncoder();
// A leading U+FEFF is text like any other (Rust keeps it): ignoreBOM keeps it too.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a string. */
export const utf8 = (s) => encoder.encode(s);

/** A string from UTF-8 bytes; null when they are not UTF-8. */
export function fromUtf8(bytes) {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Bytes of lowercase hex of exactly `len` bytes (when given); null otherwise. */
export function fromHex(s, len) {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-f]*$/.test(s)) return null;
  if (len !== undefined && s.length !== 2 * len) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function be32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function be64(n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/** H(parts...): each part is bytes or a string (taken as UTF-8). */
export function H(...parts) {
  const framed = [];
  for (const p of parts) {
    const bytes = typeof p === 'string' ? utf8(p) : p;
    framed.push(be32(bytes.length), bytes);
  }
  return sha256(concat(...framed));
}

/** Equality of two byte strings, without an early exit. */
export function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, uppercase, no padding. */
export function toBase32(bytes) {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

/** Inverse of toBase32 (either case); null on another character or non-zero trailing bits. */
export function fromBase32(s) {
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const c of s.toUpperCase()) {
    const v = B32.indexOf(c);
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return Uint8Array.from(out);
}

/** RFC 4648 base64 (with padding) to bytes; null when it is not base64. */
export function fromBase64(s) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Overwrites secret bytes once they are no longer needed (JavaScript cannot promise more). */
export function wipe(...arrays) {
  for (const a of arrays) if (a) a.fill(0);
}
