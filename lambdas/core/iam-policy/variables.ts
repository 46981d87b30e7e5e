/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`, defaults `${aws:x, 'fallback'}`).
 * A variable the request cannot supply makes the text depend on that key.
 */
import type { Tri } from './conditions.js';
import type { RequestContext } from './types.js';

const VARIABLE = /\$\{([^}]+)\}/g;

/** Substitutes the variables of a policy string, or names the keys it depends on. */
export function substituteVariables(text: string, context: RequestContext): string | Exclude<Tri, boolean> {
  if (!text.includes('${')) return text;
  const missing: string[] = [];
  const result = text.replace(VARIABLE, (_, inner: string) => {
    const [name, fallback] = inner.split(/\s*,\s*/, 2) as [string, string | undefined];
    if (name === '*' || name === '?' || name === '$') return name;
    const value = context.keys[name.toLowerCase()];
    if (typeof value === 'string') return value;
    if (fallback !== undefined) return fallback.replace(/^'|'$/g, '');
    missing.push(name);
    return '';
  });
  return missing.length > 0 ? { dependsOn: missing } : result;
}
