// Argon2id off the page's main thread, so that the page stays responsive and shows progress.
// It receives {passphrase, kdf} and answers with PK (or {error}); it has no network access
// (the page's Content-Security-Policy applies to it).
import { passKey } from './kdf.js';

self.onmessage = async (e) => {
  try {
    const pk = await passKey(e.data.passphrase, e.data.kdf);
    self.postMessage({ pk }, [pk.buffer]);
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
};
