/**
 * IAM condition operators. A key the request cannot supply makes the condition `unknown` ("depends on <key>"),
 * never a guess; `…IfExists` and `Null` are decided by the key's known absence.
 */
import { isIP } from 'node:net';
import { resourceMatches, stringLikeMatches, unescapeLiterals } from './matching.js';
import type { RequestContext } from './types.js';
import { isKnownAbsent, substituteVariables } from './variables.js';

/** true, false, or the keys the answer depends on. */
export type Tri = true | false | { dependsOn: string[] };

/** Evaluates a statement's Condition block: every operator and key must hold. */
export function evaluateConditions(condition: Record<string, Record<string, unknown>> | undefined, context: RequestContext): Tri {
  if (!condition) return true;
  const unknown: string[] = [];
  for (const [operatorName, entries] of Object.entries(condition)) {
    for (const [key, rawValues] of Object.entries(entries ?? {})) {
      const result = evaluateOne(operatorName, key, [rawValues].flat().map(String), context);
      if (result === false) return false;
      if (result !== true) unknown.push(...result.dependsOn);
    }
  }
  return unknown.length > 0 ? { dependsOn: [...new Set(unknown)] } : true;
}

function evaluateOne(operatorName: string, key: string, policyValues: string[], context: RequestContext): Tri {
  let operator = operatorName;
  let setMode: 'any' | 'all' | null = null;
  if (operator.startsWith('ForAnyValue:')) [setMode, operator] = ['any', operator.slice('ForAnyValue:'.length)];
  else if (operator.startsWith('ForAllValues:')) [setMode, operator] = ['all', operator.slice('ForAllValues:'.length)];
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);
  const lower = key.toLowerCase();
  const known = lookup(context, lower);
  const isAbsent = known === undefined && isKnownAbsent(context, lower);

  if (operator === 'Null') {
    if (known !== undefined) return policyValues[0] === 'false';
    if (isAbsent) return policyValues[0] === 'true';
    return { dependsOn: [key] };
  }
  if (known === undefined) {
    if (!isAbsent) return { dependsOn: [key] };
    // ForAllValues is true for an absent key, ForAnyValue false; IfExists is true; otherwise a negated operator on a
    // missing key matches and a positive one does not.
    if (ifExists || setMode === 'all') return true;
    if (setMode === 'any') return false;
    return isNegated(operator);
  }
  const values = [known].flat();
  // IAM User Guide, "Single-valued vs. multivalued context keys": "Multivalued context keys require a condition set
  // operator." Without ForAllValues/ForAnyValue, a key carrying several values in the request matches nothing (as
  // AWS's policy simulator decides), whatever the operator.
  if (setMode === null && values.length > 1) return false;
  const substituted: string[] = [];
  for (const value of policyValues) {
    const result = substituteVariables(value, context);
    if (result === false) continue; // a variable whose key is absent: this value matches nothing
    if (typeof result !== 'string') return result;
    substituted.push(result);
  }
  const test = matcherFor(operator);
  if (!test) return { dependsOn: [`${key} (operator ${operatorName} is not evaluated offline)`] };
  const negated = isNegated(operator);
  const positive = (value: string) => substituted.some((policyValue) => test(value, policyValue));
  const holds = (value: string) => (negated ? !positive(value) : positive(value));
  if (setMode === 'all') return values.every(holds);
  return values.some(holds);
}

function lookup(context: RequestContext, lowerKey: string): string | string[] | undefined {
  return context.keys[lowerKey];
}

function isNegated(operator: string): boolean {
  return /^(StringNot|ArnNot|NotIpAddress|NumericNotEquals|DateNotEquals)/.test(operator);
}

type Test = (requestValue: string, policyValue: string) => boolean;

function matcherFor(operator: string): Test | null {
  const base = operator.replace(/^StringNot/, 'String').replace(/^ArnNot/, 'Arn').replace(/^NotIpAddress$/, 'IpAddress').replace(/NotEquals$/, 'Equals');
  switch (base) {
    case 'StringEquals':
      return (a, b) => a === unescapeLiterals(b);
    case 'StringEqualsIgnoreCase':
      return (a, b) => a.toLowerCase() === unescapeLiterals(b).toLowerCase();
    case 'StringLike':
      return (a, b) => stringLikeMatches(b, a);
    case 'ArnLike':
    case 'ArnEquals':
      return (a, b) => resourceMatches(b, a);
    case 'BinaryEquals':
      return (a, b) => a === b;
    case 'NumericEquals':
      return numeric((a, b) => a === b);
    case 'NumericLessThan':
      return numeric((a, b) => a < b);
    case 'NumericLessThanEquals':
      return numeric((a, b) => a <= b);
    case 'NumericGreaterThan':
      return numeric((a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return numeric((a, b) => a >= b);
    case 'DateEquals':
      return date((a, b) => a === b);
    case 'DateLessThan':
      return date((a, b) => a < b);
    case 'DateLessThanEquals':
      return date((a, b) => a <= b);
    case 'DateGreaterThan':
      return date((a, b) => a > b);
    case 'DateGreaterThanEquals':
      return date((a, b) => a >= b);
    case 'Bool':
      return (a, b) => a.toLowerCase() === b.toLowerCase();
    case 'IpAddress':
      return (a, b) => ipInCidr(a, b);
    default:
      return null;
  }
}

const numeric = (compare: (a: number, b: number) => boolean): Test => (a, b) => compare(Number(a), Number(b));
const date =
  (compare: (a: number, b: number) => boolean): Test =>
  (a, b) =>
    compare(toMs(a), toMs(b));
const toMs = (value: string): number => (/^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value));

/** True when `ip` is inside `cidr` (IPv4 or IPv6; a bare address is a /32 or /128). */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [range, bitsText] = cidr.trim().split('/');
  const version = isIP(ip);
  if (version === 0 || version !== isIP(range ?? '')) return false;
  const width = version === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const a = toBigInt(ip, version);
  const b = toBigInt(range!, version);
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

function toBigInt(ip: string, version: number): bigint {
  if (version === 4) return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  const embedded = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip); // ::ffff:192.0.2.1
  if (embedded) {
    const v4 = toBigInt(embedded[2]!, 4);
    ip = `${embedded[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = ip.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part || '0', 16)), 0n);
}
