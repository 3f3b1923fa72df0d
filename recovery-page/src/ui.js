// The recovery page: what the custodians see and do. It keeps the vault documents and the
// shares given so far, checks each share as it is added (nothing revealed), and reveals the
// key only when asked, after a warning. Nothing here logs, stores or sends anything.
import { ENTRY_TITLES, GslError, checkShare, chooseDocument, describe, pinOf, proveShare, readAny, readShare, recoverWithPassphrase, recoverWithShares, shownFingerprint } from './core.js';
import { partOf } from './copytext.js';
import { decodeQrFile } from './ui-qr.js';
import { codes, parseTotp, setupQr } from './totp.js';
import { workerDerive } from './ui-kdf.js';
import { wordFeedback } from './ui-words.js';

const $ = (id) => document.getElementById(id);
/** The QR parts of page 2 read so far, by copy ID: {n, texts: Map(i → text)}. */
const state = { docs: [], shares: [], parts: {} };
/** How a typed share is named in sentences ("share you typed is alice's share"). */
const TYPED = 'you typed';
const utf8 = (s) => new TextEncoder().encode(s);

function say(id, text, kind = '') {
  const el = $(id);
  // A sentence starts with a capital, unless it starts with a file's name (alice.share).
  const first = text.split(' ', 1)[0];
  el.textContent = /[./\\]/.test(first) ? text : text.charAt(0).toUpperCase() + text.slice(1);
  el.className = kind;
}

const current = () => {
  try {
    return chooseDocument(state.docs, state.shares).doc;
  } catch (e) {
    if (e instanceof GslError) return null;
    throw e;
  }
};

/** Adds what a file or text holds; returns sentences for the custodian. */
async function take(bytes, name) {
  const r = await readAny(bytes, name);
  // Every share file of one issue carries the same copy: keep one of each.
  r.docs = r.docs.filter((d) => !state.docs.some((o) => o.kind === d.kind && JSON.stringify(o.body) === JSON.stringify(d.body)));
  state.docs.push(...r.docs);
  const notes = [];
  for (const s of r.shares) notes.push(addShare(s));
  notes.push(...r.problems.map((p) => p.message));
  if (r.docs.length + r.shares.length + r.problems.length === 0) notes.push(`${name} holds nothing gsl-vault can read.`);
  refresh();
  // The copy in use is named once, in section 1's status; one that is not used is said here.
  const used = current();
  for (const d of r.docs) {
    if (d === used) continue;
    const why = !used || !same(d.fingerprint, used.fingerprint) ? 'it is of another vault than the shares given, or conflicts with another copy' : 'a newer one is at hand';
    notes.push(`Also read the ${describe(d)}; it is not used: ${why}.`);
  }
  if (notes.length === 0 && used && r.docs.includes(used)) notes.push(`Read ${name}.`);
  return notes.join(' ');
}

/** Whether the codes read from one photo are enough: some, and every copy's parts complete. */
function allParts(texts) {
  const groups = new Map();
  for (const t of texts) {
    const p = partOf(t);
    if (p) groups.set(p.id, { n: p.n, have: (groups.get(p.id)?.have ?? 0) + 1 });
  }
  return texts.length > 0 && [...groups.values()].every((g) => g.have >= g.n);
}

/** Whether these bytes are a picture a browser decodes (PNG, JPEG, GIF, WebP, BMP). */
function isPicture(b) {
  const starts = (...m) => m.every((v, i) => b[i] === v);
  return (
    starts(0x89, 0x50, 0x4e, 0x47) ||
    starts(0xff, 0xd8, 0xff) ||
    starts(0x47, 0x49, 0x46, 0x38) ||
    (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) ||
    // BMP: "BM", and a header size a BMP has (a share's compact form may start with BM).
    (starts(0x42, 0x4d) && [12, 40, 56, 108, 124].includes(b[14] | (b[15] << 8) | (b[16] << 16) | (b[17] << 24)))
  );
}

/**
 * One photo or scan: each QR code in it is a share (page 1) or a part of a recovery copy
 * (page 2). Parts are kept, from any number of photos in any order, until every part of one copy
 * is here; then the copy is read. One or two sentences back.
 */
async function takePhoto(f) {
  const texts = await decodeQrFile(f, allParts).catch(() => []);
  if (texts.length === 0) {
    return `No QR code could be read in ${f.name}: take the photo again, closer, with the page flat and in good light. (A share on page 1 can also be typed as its words; page 2's codes have no words, only photos read them.)`;
  }
  const notes = [];
  const touched = new Set();
  // Page 2's parts first, so that a share in the same photo is checked against the copy.
  const shares = [];
  for (const text of texts) {
    const p = partOf(text);
    if (!p) {
      shares.push(text);
      continue;
    }
    const group = (state.parts[p.id] ??= { n: p.n, texts: new Map() });
    const seen = group.texts.get(p.i);
    if (group.n !== p.n || (seen !== undefined && seen !== text.trim())) {
      // Two different readings of one part (or a part number that does not fit): start over.
      delete state.parts[p.id];
      touched.delete(p.id);
      notes.push(`Two different readings of QR code part ${p.i} were taken (one was misread): the parts read so far are dropped; load the photos of page 2 again.`);
      continue;
    }
    group.texts.set(p.i, text.trim());
    touched.add(p.id);
  }
  for (const id of touched) {
    const group = state.parts[id];
    const missing = [];
    for (let i = 1; i <= group.n; i++) if (!group.texts.has(i)) missing.push(i);
    if (missing.length === 0) {
      delete state.parts[id];
      notes.push(await take(utf8([...group.texts.values()].join('\n')), `all ${group.n} QR codes of page 2`));
    } else {
      notes.push(`Read ${group.n - missing.length} of the ${group.n} QR codes of page 2; still needed: part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (each says "Part i of ${group.n}"). Load a photo of ${missing.length > 1 ? 'them' : 'it'}, or of the whole page.`);
    }
  }
  for (const text of shares) notes.push(await take(utf8(text), `QR code in ${f.name}`));
  return notes.join(' ');
}

/** Checks a share against the vault (when known) and keeps it; one sentence back. */
function addShare(offered) {
  if (state.shares.some((s) => sameShare(s.share, offered.share))) {
    return `Share ${offered.source} was already given (index ${offered.share.x}).`;
  }
  state.shares.push(offered);
  const doc = current();
  if (!doc) {
    return `Share ${offered.source} is share ${offered.share.x} of vault ${shownFingerprint(offered.share.fingerprint)}; its checksum is correct. Load the vault's recovery copy to check it against its commitment.`;
  }
  try {
    const c = checkShare(doc, offered.share, offered.source);
    return `Share ${offered.source} is ${c.name}'s share (${c.index} of ${doc.body.custodians.length}) of vault "${doc.body.label}" (${shownFingerprint(doc.fingerprint)}), and it matches its commitment: it is intact.`;
  } catch (e) {
    if (!(e instanceof GslError)) throw e;
    state.shares.pop();
    return e.message;
  }
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameShare = (a, b) => a.x === b.x && a.epoch === b.epoch && same(a.fingerprint, b.fingerprint) && same(a.y, b.y);

function refresh() {
  let doc = null;
  try {
    const chosen = chooseDocument(state.docs, state.shares);
    doc = chosen.doc;
    const using = doc ? `Using the ${describe(doc)}.` : 'No recovery copy yet: load a share file (it carries one), a recovery copy, or a photo of page 2 of a kit.';
    say('vault-status', chosen.warning ? `${using} Warning: ${chosen.warning}` : using, chosen.warning ? 'bad' : '');
  } catch (e) {
    if (!(e instanceof GslError)) throw e;
    say('vault-status', e.message, 'bad');
  }
  // A line that asked for the vault's copy is out of date once the copy is here.
  if (doc) {
    for (const id of ['word-status', 'qr-status', 'file-status']) {
      if ($(id).textContent.includes("Load the vault's recovery copy to check it")) say(id, '');
    }
  }
  const list = $('shares');
  list.replaceChildren(
    ...state.shares.map((s) => {
      const li = document.createElement('li');
      const c = doc?.body.custodians.find((c) => c.index === s.share.x);
      const from = s.source === TYPED ? 'typed here' : `from ${s.source}`;
      const checked = !doc ? ': not checked yet (no recovery copy)' : valid(doc, s) ? ': intact' : ": does not match this vault's copy";
      li.textContent = (c ? `${c.name}'s share (${from})` : `share ${s.share.x} (${from})`) + checked;
      return li;
    }),
  );
  const t = doc?.body.threshold;
  const have = doc ? new Set(state.shares.filter((s) => valid(doc, s)).map((s) => s.share.x)).size : 0;
  const enough = `Enough shares to recover: ${have} valid, ${t} needed.`;
  say('quorum-status', !doc ? '' : have >= t ? enough : `${have} of the ${t} shares needed.`);
  $('reveal').disabled = !doc || have < t;
  $('passphrase-row').hidden = doc?.body.policy !== 'both';
  $('owner').hidden = !(doc?.kind === 'vault' && doc.body.policy === 'either');
  // Issue 28, item 6: the owner sees which vault the passphrase will open, and its pin.
  $('owner-vault').textContent =
    doc?.kind === 'vault'
      ? `This opens ${describe(doc)}. Its pin is ${pinOf(doc)}: it must be the pin gsl-vault status shows for your vault.`
      : '';
}

function valid(doc, s) {
  try {
    checkShare(doc, s.share, s.source);
    return true;
  } catch {
    return false;
  }
}

function progress(seconds) {
  $('progress').hidden = false;
  say('elapsed', `Computing the passphrase key (Argon2id, memory-hard on purpose): ${seconds.toFixed(0)} s so far. This takes a few seconds to a minute; keep this page open.`);
}

/** The live code of an authenticator-app master key, refreshed every second. */
const live = { timer: null, uri: null };

/** Stops of the live codes of entries (a sign-in authenticator key). */
const entryTimers = [];

function stopTotp() {
  clearInterval(live.timer);
  live.timer = null;
  for (const t of entryTimers.splice(0)) clearInterval(t);
  live.uri = null;
  for (const id of ['totp-code', 'totp-left', 'totp-next', 'totp-utc', 'setup-uri']) $(id).textContent = '';
  $('setup-qr').replaceChildren();
  $('setup-box').open = false;
  $('totp').hidden = true;
}

async function startTotp(uri) {
  live.uri = uri;
  let t;
  try {
    t = parseTotp(uri);
  } catch (e) {
    if (!(e instanceof GslError)) throw e;
    // No code, but the setup key stays reachable behind its warning (an app may still read it).
    say('error', e.message, 'bad');
    $('totp').hidden = false;
    return;
  }
  const tick = async () => {
    const now = Math.floor(Date.now() / 1000);
    const c = await codes(t, now);
    $('totp-code').textContent = c.code;
    $('totp-left').textContent = String(c.left);
    $('totp-next').textContent = c.next;
    $('totp-utc').textContent = new Date(now * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  };
  await tick();
  live.timer = setInterval(tick, 1000);
  $('totp').hidden = false;
}

function showSetup() {
  if (!live.uri) return;
  $('setup-uri').textContent = live.uri;
  let qr;
  try {
    qr = setupQr(live.uri);
  } catch {
    $('setup-qr').replaceChildren();
    return;
  }
  const svg = new DOMParser().parseFromString(qr, 'image/svg+xml').documentElement;
  svg.setAttribute('width', '264');
  svg.setAttribute('height', '264');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Setup QR code for an authenticator app');
  // Its own white ground, quiet zone included (a dark page theme must not eat it).
  const ground = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  for (const [k, v] of [['width', '100%'], ['height', '100%'], ['fill', '#fff']]) ground.setAttribute(k, v);
  svg.insertBefore(ground, svg.firstChild);
  $('setup-qr').replaceChildren(document.importNode(svg, true));
  $('setup-uri').textContent = live.uri;
}

/** An entry's authenticator key as its live code, and its setup key behind a button. */
function entryCodes(uri) {
  const box = document.createElement('div');
  const line = document.createElement('p');
  line.className = 'totp-code';
  const code = document.createElement('strong');
  const rest = document.createElement('span');
  line.append(code, ' ', rest);
  const reveal = document.createElement('button');
  reveal.textContent = 'Show its setup key and QR code (for a new phone; nobody watching)';
  const setup = document.createElement('div');
  reveal.addEventListener('click', () => {
    const svg = new DOMParser().parseFromString(setupQr(uri), 'image/svg+xml').documentElement;
    svg.setAttribute('width', '264');
    svg.setAttribute('height', '264');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Setup QR code of the sign-in authenticator key');
    const pre = document.createElement('pre');
    pre.textContent = uri;
    setup.replaceChildren(document.importNode(svg, true), pre);
  });
  box.append(line, reveal, setup);
  let t;
  try {
    t = parseTotp(uri);
  } catch (e) {
    if (!(e instanceof GslError)) throw e;
    line.textContent = e.message;
    return box;
  }
  const tick = async () => {
    const c = await codes(t, Math.floor(Date.now() / 1000));
    code.textContent = c.code;
    rest.textContent = `valid for ${c.left} more seconds; next: ${c.next}`;
  };
  tick();
  entryTimers.push(setInterval(tick, 1000));
  return box;
}

function show(key, entries = [], doc = undefined) {
  $('progress').hidden = true;
  stopTotp();
  const totp = doc?.body.master?.kind === 'totp';
  $('plain-key').hidden = totp;
  $('key').textContent = totp ? '' : key;
  if (totp) startTotp(key);
  $('entries').replaceChildren(
    ...entries.flatMap((e) => {
      const h = document.createElement('p');
      h.textContent = `The ${ENTRY_TITLES[e.name] ?? e.name} kept with it:`;
      if (e.name === 'sign-in-totp') return [h, entryCodes(e.text)];
      const pre = document.createElement('pre');
      pre.textContent = e.text;
      return [h, pre];
    }),
  );
  $('result').hidden = false;
  $('reveal').hidden = true;
}

async function reveal() {
  $('warning').hidden = true;
  say('error', '');
  const doc = current();
  const pass = doc.body.policy === 'both' ? $('passphrase').value : undefined;
  try {
    const r = await recoverWithShares(doc, state.shares, pass, workerDerive(progress));
    $('passphrase').value = '';
    show(r.key, r.entries, doc);
  } catch (e) {
    $('progress').hidden = true;
    if (!(e instanceof GslError)) throw e;
    say('error', e.message, 'bad');
  }
}

async function ownerOpen() {
  $('owner-warning').hidden = true;
  say('error', '');
  // The vault file in use (the one named above, with its pin), never merely the first loaded.
  const doc = current();
  if (doc?.kind !== 'vault') {
    say('error', 'No vault file is in use: load the vault file (kraken.vault) to open it with the passphrase.', 'bad');
    return;
  }
  try {
    const derive = workerDerive(progress);
    const r = await recoverWithPassphrase(doc, $('owner-passphrase').value, derive);
    show(r.key, r.entries, doc);
    $('owner-passphrase').value = '';
  } catch (e) {
    $('progress').hidden = true;
    if (!(e instanceof GslError)) throw e;
    say('error', e.message, 'bad');
  }
}

/** A proof of the share added last, for the owner's remote check (nothing about it revealed). */
function prove() {
  const last = state.shares[state.shares.length - 1];
  if (!last) {
    $('proof-text').value = '';
    say('prove-status', 'No share yet: type your words in section 2 and press "Check my share and add it" (or load your share file), then make the proof.', 'bad');
    $('words').focus();
    return;
  }
  say('prove-status', 'Your proof is below: copy both lines and send them to the owner.', 'good');
  const doc = current();
  let name;
  try {
    name = doc ? checkShare(doc, last.share, last.source).name : undefined;
  } catch {
    name = undefined;
  }
  $('proof-text').value = proveShare(last.share, name, Math.floor(Date.now() / 1000));
}

/** Forgets every share, passphrase and key this page holds (the copies stay: they are locked). */
function forget() {
  for (const s of state.shares) s.share.y.fill(0);
  state.shares = [];
  state.parts = {};
  for (const id of ['words', 'paste', 'passphrase', 'owner-passphrase', 'proof-text']) $(id).value = '';
  $('key').textContent = '';
  stopTotp();
  $('entries').replaceChildren();
  $('result').hidden = true;
  $('reveal').hidden = false;
  for (const id of ['word-status', 'qr-status', 'prove-status', 'error']) say(id, '');
  say('file-status', 'Every share and passphrase was forgotten. Close this page when you are done.');
  refresh();
}

function wire() {
  $('words').addEventListener('input', () => {
    const f = wordFeedback($('words').value, TYPED);
    say('word-status', f.text, f.ok ? 'good' : '');
  });
  $('add-words').addEventListener('click', () => {
    try {
      const share = readShare($('words').value, TYPED);
      say('word-status', addShare({ source: TYPED, share }), 'good');
      $('words').value = '';
      refresh();
    } catch (e) {
      if (!(e instanceof GslError)) throw e;
      say('word-status', e.message, 'bad');
    }
  });
  $('files').addEventListener('change', async () => {
    const notes = [];
    for (const f of $('files').files) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      // A photo or scan of a kit page is read for its QR codes, whichever picker it came through.
      notes.push(isPicture(bytes) ? await takePhoto(f) : await take(bytes, f.name));
    }
    say('file-status', notes.join(' '));
    $('files').value = '';
  });
  $('qr-file').addEventListener('change', async () => {
    const notes = [];
    for (const f of $('qr-file').files) notes.push(await takePhoto(f));
    $('qr-file').value = '';
    say('qr-status', notes.join(' '));
  });
  $('paste-add').addEventListener('click', async () => {
    say('file-status', await take(utf8($('paste').value), 'pasted text'));
    $('paste').value = '';
  });
  $('reveal').addEventListener('click', () => ($('warning').hidden = false));
  $('cancel').addEventListener('click', () => ($('warning').hidden = true));
  $('reveal-now').addEventListener('click', reveal);
  $('owner-open').addEventListener('click', () => ($('owner-warning').hidden = false));
  $('owner-cancel').addEventListener('click', () => ($('owner-warning').hidden = true));
  $('owner-open-now').addEventListener('click', ownerOpen);
  $('forget').addEventListener('click', forget);
  $('prove').addEventListener('click', prove);
  $('show-setup').addEventListener('click', showSetup);
  $('hide').addEventListener('click', () => {
    $('key').textContent = '';
    stopTotp();
    $('entries').replaceChildren();
    $('result').hidden = true;
    $('reveal').hidden = false;
  });
}

async function start() {
  wire();
  const embedded = $('embedded-copy').textContent.trim();
  if (embedded.length > 0) say('file-status', await take(utf8(embedded), 'this page'));
  refresh();
}

start();
