/**
 * A small EventBridge pattern matcher for tests (no complete matcher is installable offline). Supports exact values,
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values or prefix), `exists`, `wildcard`, `numeric` is not
 * needed here, `$or`, nested objects, and array-valued event fields (match if any element matches).
 */
type Pattern = Record<string, unknown>;

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  if ('$or' in pattern) {
    const { $or, ...rest } = pattern as { $or: Pattern[] };
    return matchesPattern(rest, event) && $or.some((alternative) => matchesPattern(alternative, event));
  }
  for (const [key, expected] of Object.entries(pattern)) {
    const value = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchesValues(expected, value)) return false;
    } else if (typeof expected === 'object' && expected !== null) {
      if (typeof value !== 'object' || value === null || !matchesPattern(expected as Pattern, value)) return false;
    } else {
      throw new Error(`pattern leaf for "${key}" must be an array`);
    }
  }
  return true;
}

function matchesValues(rules: unknown[], value: unknown): boolean {
  const existsRule = rules.find((rule) => typeof rule === 'object' && rule !== null && 'exists' in rule) as { exists: boolean } | undefined;
  if (existsRule) return existsRule.exists ? value !== undefined : value === undefined;
  if (value === undefined) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((single) => rules.some((rule) => matchesRule(rule, single)));
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  const operator = rule as Record<string, unknown>;
  if (typeof value !== 'string') return false;
  if ('prefix' in operator) return typeof operator.prefix === 'string' ? value.startsWith(operator.prefix) : false;
  if ('suffix' in operator) return typeof operator.suffix === 'string' ? value.endsWith(operator.suffix) : false;
  if ('equals-ignore-case' in operator) return String(operator['equals-ignore-case']).toLowerCase() === value.toLowerCase();
  if ('wildcard' in operator) {
    const regex = new RegExp(`^${String(operator.wildcard).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 's');
    return regex.test(value);
  }
  if ('anything-but' in operator) {
    const but = operator['anything-but'];
    if (Array.isArray(but)) return !but.includes(value);
    if (typeof but === 'object' && but !== null && 'prefix' in but) return !value.startsWith(String((but as { prefix: string }).prefix));
    return value !== but;
  }
  throw new Error(`unsupported pattern operator ${JSON.stringify(rule)}`);
}
