// X-Wing and version 3 slots in JavaScript: the draft's own vectors through @noble/post-quantum,
// a slot the Rust implementation sealed (tests/vectors/v3-slot.json) opened here, and a slot
// sealed here (v3-slot-js.json, made by `node test/xwing.test.mjs --write`) that Rust opens.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { test } from 'node:test';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { fromHex, toHex } from '../src/bytes.js';
import { bindingOf, openSlot3, pathKemSeed, sealSlot3 } from '../src/slot3.js';

const V = new URL('../../tests/vectors/', import.meta.url).pathname;
const json = (f) => JSON.parse(readFileSync(V + f, 'utf8'));
const h = (s) => fromHex(s, s.length / 2);

test('X-Wing draft-06 vectors (keygen, encapsulation, decapsulation)', () => {
  const cases = json('xwing-draft06.json');
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    const { publicKey, secretKey } = ml_kem768_x25519.keygen(h(c.seed));
    assert.equal(toHex(publicKey), c.pk);
    const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(publicKey, h(c.eseed));
    assert.equal(toHex(cipherText), c.ct);
    assert.equal(toHex(sharedSecret), c.ss);
    assert.equal(toHex(ml_kem768_x25519.decapsulate(cipherText, secretKey)), c.ss);
  }
});

const ctxOf = (v) => ({ origin: h(v.origin), kind: v.kind, epoch: v.epoch, kdf: null });

test('a version 3 slot sealed by Rust opens here, and its checks refuse what they must', () => {
  const v = json('v3-slot.json');
  const ctx = ctxOf(v);
  assert.equal(toHex(pathKemSeed(h(v.key), v.kind)), v.path_kem_seed);
  assert.equal(toHex(openSlot3(ctx, v.slot, h(v.key)).vk), v.vault_key);
  const wrong = new Uint8Array(32).fill(1);
  assert.equal(openSlot3(ctx, v.slot, wrong).refusal, 'wrong-secret');
  // A forger's binding (made with a key of its own) on the real slot: not of this line.
  const forged = { ...v.slot, binding: toHex(bindingOf(ctx, wrong, h(v.slot.signer), new Uint8Array(1216))) };
  assert.equal(openSlot3(ctx, forged, h(v.key)).refusal, 'not-this-line');
  assert.equal(openSlot3({ ...ctx, epoch: v.epoch + 1 }, v.slot, h(v.key)).refusal, 'not-this-line');
});

const JS_VECTOR = 'v3-slot-js.json';

function makeJsVector() {
  const v = json('v3-slot.json');
  const ctx = ctxOf(v);
  const vk = new Uint8Array(32).fill(0x44);
  const randomness = new Uint8Array(64).map((_, i) => (i * 7 + 3) & 0xff);
  const signer = h(v.slot.signer);
  const slot = sealSlot3(ctx, vk, h(v.key), signer, randomness);
  return { ...v, vault_key: toHex(vk), slot };
}

test('a version 3 slot sealed here is the committed one, and opens here', () => {
  const want = json(JS_VECTOR);
  const made = makeJsVector();
  assert.deepEqual(made, want);
  assert.equal(toHex(openSlot3(ctxOf(want), want.slot, h(want.key)).vk), want.vault_key);
});

if (process.argv.includes('--write') && !existsSync(V + JS_VECTOR)) {
  writeFileSync(V + JS_VECTOR, JSON.stringify(makeJsVector(), null, 2) + '\n');
}
