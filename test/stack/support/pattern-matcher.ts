/**
 * A small EventBridge pattern matcher for tests (no matcher is installable offline). Supports exact values (strings,
 * numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (values, a value or
 * a prefix), `exists`, `$or`, nested objects, and arrays in the event: like EventBridge, arrays are flattened, so a
 * field matches when any element does, and arrays of records match field by field. Anything else throws, so that a
 * pattern never passes by being misunderstood.
 */
type Pattern = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const flatten = (value: unknown): unknown[] => (Array.isArray(value) ? value.flatMap(flatten) : [value]);

/** True when `event` matches the EventBridge `pattern`. */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return matchesNodes(pattern, [event]);
}

/** Matches a pattern object against every node found at its path (several when arrays were flattened). */
function matchesNodes(pattern: Pattern, nodes: unknown[]): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2) throw new Error('$or takes an array of at least two patterns');
      if (!expected.some((alternative) => matchesNodes(alternative as Pattern, nodes))) return false;
      continue;
    }
    const values = nodes.flatMap((node) => (isRecord(node) && Object.hasOwn(node, key) ? flatten(node[key]) : []));
    if (Array.isArray(expected)) {
      if (!matchesValues(expected, values)) return false;
    } else if (isRecord(expected)) {
      if (!matchesNodes(expected, values.filter(isRecord))) return false;
    } else {
      throw new Error(`pattern leaf for "${key}" must be an array`);
    }
  }
  return true;
}

function matchesValues(rules: unknown[], values: unknown[]): boolean {
  const existsRule = rules.find((rule) => isRecord(rule) && 'exists' in rule) as { exists: boolean } | undefined;
  if (existsRule) return existsRule.exists ? values.some((value) => !isRecord(value)) : values.length === 0;
  return values.some((value) => rules.some((rule) => matchesRule(rule, value)));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (!isRecord(rule)) return rule === value;
  const [operator, ...others] = Object.keys(rule);
  if (others.length > 0) throw new Error(`one operator per object: ${JSON.stringify(rule)}`);
  const operand = rule[operator!];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcardRegex(String(operand)).test(value);
    case 'anything-but':
      if (Array.isArray(operand)) return !operand.includes(value);
      if (isRecord(operand) && 'prefix' in operand) return typeof value === 'string' && !value.startsWith(String(operand.prefix));
      if (isRecord(operand)) throw new Error(`unsupported anything-but operand ${JSON.stringify(operand)}`);
      return value !== operand;
    default:
      throw new Error(`unsupported pattern operator ${JSON.stringify(rule)}`);
  }
}

const wildcardRegex = (wildcard: string): RegExp =>
  new RegExp(`^${wildcard.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
