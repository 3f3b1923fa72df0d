// The passphrase key: Argon2id v1.3 over the NFKD form of the passphrase (FORMAT.md, "Keys"),
// computed by hash-wasm's WebAssembly build of the reference implementation.
import { argon2id } from 'hash-wasm';
import { fromHex, utf8 } from './bytes.js';

/** PK = Argon2id(NFKD(passphrase), salt, m, t, p), 32 bytes. */
export async function passKey(passphrase, kdf) {
  const password = utf8(passphrase.normalize('NFKD'));
  try {
    return await argon2id({
      password,
      salt: fromHex(kdf.salt, 32),
      parallelism: kdf.parallelism,
      iterations: kdf.iterations,
      memorySize: kdf.memory_kib,
      hashLength: 32,
      outputType: 'binary',
    });
  } finally {
    password.fill(0);
  }
}
