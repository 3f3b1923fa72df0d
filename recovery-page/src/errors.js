// Every failure is one sentence and the exit code the command line would give for it
// (README.md, "Exit codes"): 2 usage, 3 shares, 4 wrong passphrase, 5 vault or copy refused.

export const EXIT = Object.freeze({ usage: 2, shares: 3, unlock: 4, corrupt: 5 });

export class GslError extends Error {
  /**
   * @param {number} exit the command line's exit code for the same failure
   * @param {string} message one sentence: what, which file or share, what to do next
   * @param {object} [data] what a caller can act on (a word position, a custodian)
   */
  constructor(exit, message, data = {}) {
    super(message);
    this.name = 'GslError';
    this.exit = exit;
    this.data = data;
  }
}

export const sharesError = (m, d) => new GslError(EXIT.shares, m, d);
export const corruptError = (m, d) => new GslError(EXIT.corrupt, m, d);
export const unlockError = (m, d) => new GslError(EXIT.unlock, m, d);
export const usageError = (m, d) => new GslError(EXIT.usage, m, d);

/** The sentence for a vault file (`kind` 'vault') or a recovery copy that fails a check. */
export function corrupt(kind, name, what) {
  return kind === 'copy'
    ? corruptError(`the recovery copy in ${name} ${what}; it may be damaged or altered: use another custodian's copy.`)
    : corruptError(`vault ${name} ${what}; it may be damaged or tampered with: restore it from a backup copy.`);
}
