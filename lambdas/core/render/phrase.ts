/**
 * A sentence mixing our own words with values from the event, so that each renderer can treat the values as untrusted
 * (Slack shows them in code spans; text renderers flatten them) while our words stay plain.
 */
import { cut, flatten } from './escape.js';

export type Phrase = ReadonlyArray<string | { readonly value: string }>;

/** The phrase as plain text (values flattened to one line and cut). */
export function phraseText(phrase: Phrase, maxValue = 600): string {
  return phrase.map((part) => (typeof part === 'string' ? part : cut(flatten(part.value), maxValue))).join('');
}
