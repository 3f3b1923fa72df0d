// Runs Argon2id in a worker built from the inline bundle (a blob: URL, the only source the
// page's policy allows for workers), and tells the page how long it has been running.
/* global __KDF_WORKER__ */
import { passKey } from './kdf.js';

/**
 * A `derive(passphrase, kdf)` that reports progress through `tick(seconds)` and falls back to
 * the main thread where workers are unavailable.
 */
export function workerDerive(tick) {
  return async (passphrase, kdf) => {
    const started = performance.now();
    const timer = setInterval(() => tick((performance.now() - started) / 1000), 200);
    tick(0);
    try {
      return await inWorker(passphrase, kdf);
    } catch (e) {
      if (e?.name !== 'NoWorker') throw e;
      return await passKey(passphrase, kdf);
    } finally {
      clearInterval(timer);
    }
  };
}

function inWorker(passphrase, kdf) {
  let worker;
  let url;
  try {
    url = URL.createObjectURL(new Blob([__KDF_WORKER__], { type: 'text/javascript' }));
    worker = new Worker(url);
  } catch {
    const e = new Error('workers are unavailable');
    e.name = 'NoWorker';
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    };
    worker.onmessage = (m) => {
      done();
      if (m.data.pk) resolve(m.data.pk);
      else reject(new Error(`the passphrase key could not be computed (${m.data.error}); this browser may lack the memory the vault asks for`));
    };
    worker.onerror = () => {
      done();
      const e = new Error('workers are unavailable');
      e.name = 'NoWorker';
      reject(e);
    };
    worker.postMessage({ passphrase, kdf });
  });
}
