// Feedback while a custodian types their words: a word not in the list is named at once (with
// the list words that start like it); once 36 words are there, the checksum is checked and a
// failing one names the word most likely wrong. Nothing is ever corrected for the user.
import { GslError, lookup, nearWords, readShare } from './core.js';

/** What to tell the custodian about the words typed so far: {ok, text, share?}. */
export function wordFeedback(text, name) {
  const tokens = text.split(/[\s,;]+/).filter((t) => t.length > 0 && !/^\d+[.):]$/.test(t));
  const complete = /[\s,;]$/.test(text) ? tokens : tokens.slice(0, -1);
  const unknown = complete
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => lookup(t) < 0 && !/^[A-Z2-7-]{6,}$/i.test(t));
  if (unknown.length > 0) {
    const { t, i } = unknown[0];
    const near = nearWords(t);
    const hint = near.length > 0 ? ` Words in the list that start like it: ${near.join(', ')}.` : '';
    return { ok: false, text: `Word ${i + 1} ("${t}") is not in the word list: check its first four letters against the paper.${hint}` };
  }
  if (tokens.length < 36 && !tokens.some((t) => t.length > 8)) {
    return { ok: false, text: `${tokens.length} of 36 words.` };
  }
  try {
    return { ok: true, text: 'The checksum is correct.', share: readShare(text, name) };
  } catch (e) {
    if (!(e instanceof GslError)) throw e;
    return { ok: false, text: e.message };
  }
}
