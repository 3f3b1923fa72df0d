// A vault file or a recovery copy as FORMAT.md frames it: a first line, a canonical JSON body,
// and an Ed25519 signature by the body's identity over H(domain, every byte before
// "signature "). Nothing in the body is believed before the signature holds.
import { ed25519 } from '@noble/curves/ed25519.js';
import { H, fromHex, fromUtf8, utf8 } from './bytes.js';
import { corrupt } from './errors.js';
import { bodyShaped, hasLoneSurrogate, shallow } from './schema.js';

export const MAX_VAULT_FILE = 4 * 1024 * 1024;
export const MAX_COPY = 256 * 1024;

const KINDS = [
  { magic: 'gsl-vault vault v1\n', kind: 'vault', version: 1, domain: 'gsl-vault/v1 vault file' },
  { magic: 'gsl-vault vault v2\n', kind: 'vault', version: 2, domain: 'gsl-vault/v1 vault file' },
  { magic: 'gsl-vault recovery copy v1\n', kind: 'copy', version: 2, domain: 'gsl-vault/v2 recovery copy' },
  { magic: 'gsl-vault vault v3\n', kind: 'vault', version: 3, domain: 'gsl-vault/v3 vault file' },
  { magic: 'gsl-vault recovery copy v3\n', kind: 'copy', version: 3, domain: 'gsl-vault/v3 recovery copy' },
];

const SIGNATURE_LINE = /^signature [0-9a-f]{128}$/;

/** The canonical body bytes (serde_json's pretty form, two-space indent, a final newline). */
export const bodyText = (body) => JSON.stringify(body, null, 2) + '\n';

/** Strict Ed25519 verification of a signature made over H(domain, message). */
export function verifySigned(publicKey, domain, message, signature) {
  try {
    return ed25519.verify(signature, H(domain, message), publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** What a file's first bytes say it is: 'vault', 'copy', or null. */
export function kindOf(bytes) {
  const head = fromUtf8(bytes.subarray(0, 40)) ?? '';
  if (head.startsWith('gsl-vault vault ')) return 'vault';
  if (head.startsWith('gsl-vault recovery copy ')) return 'copy';
  return null;
}

/**
 * Parses and verifies a vault file or a recovery copy.
 * @returns {{kind, version, body, identity: Uint8Array}}
 */
export function parseSigned(bytes, name) {
  const found = KINDS.find((k) => startsWith(bytes, utf8(k.magic)));
  const kind = found?.kind ?? kindOf(bytes) ?? 'vault';
  const fail = (what) => corrupt(kind, name, what);
  const limit = kind === 'copy' ? MAX_COPY : MAX_VAULT_FILE;
  if (bytes.length > limit) throw fail('is larger than any gsl-vault file');
  if (!found) {
    if (kindOf(bytes)) throw fail('is of a format version this page does not know (use a newer gsl-vault)');
    throw fail('is not a gsl-vault file (its first line is wrong)');
  }
  const text = fromUtf8(bytes);
  if (text === null) throw fail('is not UTF-8 text');
  const rest = text.slice(found.magic.length);
  if (!rest.endsWith('\n')) throw fail('is truncated (it does not end with a newline)');
  if (found.version === 3) return parseV3(found, rest, fail);
  const withoutNl = rest.slice(0, -1);
  const sigAt = withoutNl.lastIndexOf('\nsignature ');
  if (sigAt < 0) throw fail('is truncated (its signature line is missing)');
  const body = rest.slice(0, sigAt + 1);
  const signature = fromHex(withoutNl.slice(sigAt + '\nsignature '.length), 64);
  if (!signature) throw fail('has a malformed signature line');
  const parsed = parseBody(body, fail);
  const identity = fromHex(parsed.identity, 32);
  if (!identity) throw fail('has a malformed identity');
  const signed = utf8(found.magic + body);
  if (!verifySigned(identity, found.domain, signed, signature)) throw fail('fails its signature check');
  return { kind: found.kind, version: found.version, body: parsed, identity };
}

/** A body of the shape FORMAT.md gives, in canonical form (checked before it is believed). */
function parseBody(body, fail) {
  if (!shallow(body)) throw fail('has a malformed body (nested too deep)');
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw fail('has a malformed body');
  }
  if (!bodyShaped(parsed) || hasLoneSurrogate(parsed)) throw fail('has a malformed body');
  if (bodyText(parsed) !== body) throw fail('is not in canonical form');
  return parsed;
}

/**
 * Version 3 (FORMAT.md, "File"): the body, then one signature line per slot, each by that
 * slot's signer over H(domain, magic ‖ body); `identity` must be the first slot's signer.
 */
function parseV3(found, rest, fail) {
  const lines = rest.slice(0, -1).split('\n');
  const sigs = [];
  while (sigs.length < 2 && lines.length > 1 && SIGNATURE_LINE.test(lines[lines.length - 1])) {
    sigs.unshift(fromHex(lines.pop().slice('signature '.length), 64));
  }
  if (sigs.length === 0) throw fail('is truncated (its signature lines are missing)');
  const body = lines.join('\n') + '\n';
  const parsed = parseBody(body, fail);
  if (!Array.isArray(parsed.slots) || parsed.slots.length !== sigs.length) throw fail('does not carry one signature per slot');
  const signed = utf8(found.magic + body);
  const signers = parsed.slots.map((s) => fromHex(s.signer, 32));
  if (!signers.every((k) => k && validKey(k))) throw fail('has a slot without a valid signer');
  if (!signers.every((k, i) => verifySigned(k, found.domain, signed, sigs[i]))) throw fail('fails its signature check');
  const identity = fromHex(parsed.identity, 32);
  if (!identity || !identity.every((b, i) => b === signers[0][i])) throw fail("names an identity that is not its first slot's signer");
  return { kind: found.kind, version: 3, body: parsed, identity };
}

/** An Ed25519 public key that decodes and is not of small order (FORMAT.md). */
function validKey(k) {
  try {
    const p = ed25519.Point.fromBytes(k);
    return !p.isSmallOrder();
  } catch {
    return false;
  }
}

function startsWith(bytes, prefix) {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}
