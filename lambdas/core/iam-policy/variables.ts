/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, defaults `${aws:x, 'fallback'}`). `${*}`, `${?}`
 * and `${$}` are left in place: the matchers read them as the literal characters.
 *
 * A variable the request cannot supply makes the text depend on that key; a variable whose key is known to be absent
 * (and has no default) makes the element match nothing, as IAM does.
 */
import type { RequestContext } from './types.js';

const VARIABLE = /\$\{([^}]+)\}/g;

/** True when the request is known not to carry `key` (`aws:principaltag/*` stands for every tag the principal lacks). */
export function isKnownAbsent(context: RequestContext, key: string): boolean {
  const lower = key.toLowerCase();
  if (context.keys[lower] !== undefined) return false;
  return context.absent.includes(lower) || (lower.startsWith('aws:principaltag/') && context.absent.includes('aws:principaltag/*'));
}

/** The substituted text, `false` when a variable's key is absent, or the keys it depends on. */
export type Substituted = string | false | { dependsOn: string[] };

/** Substitutes the variables of a policy string. */
export function substituteVariables(text: string, context: RequestContext): Substituted {
  if (!text.includes('${')) return text;
  const missing: string[] = [];
  let absent = false;
  const result = text.replace(VARIABLE, (whole, inner: string) => {
    const [name, fallback] = inner.split(/\s*,\s*/, 2) as [string, string | undefined];
    if (name === '*' || name === '?' || name === '$') return whole;
    const value = context.keys[name.trim().toLowerCase()];
    if (typeof value === 'string') return value;
    if (fallback !== undefined) return fallback.replace(/^'|'$/g, '');
    if (Array.isArray(value) || isKnownAbsent(context, name.trim())) absent = true;
    else missing.push(name.trim());
    return '';
  });
  if (missing.length > 0) return { dependsOn: missing };
  return absent ? false : result;
}
