/**
 * Writing user input into Athena SQL safely: string literals with doubled quotes, identifiers checked against
 * Athena's naming rules, and `LIKE` patterns with their wildcards escaped.
 */

/** A user input that cannot go into the SQL; names the option and the value. */
export class AthenaInputError extends Error {
  constructor(
    readonly option: string,
    readonly value: string,
    reason: string,
  ) {
    super(`${option} ${JSON.stringify(value)}: ${reason}`);
    this.name = 'AthenaInputError';
  }
}

/** A SQL string literal (Trino and Hive DDL alike): single quotes, inner quotes doubled, no control characters. */
export function sqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new AthenaInputError('string', value, 'control characters are not allowed in SQL text');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A `LIKE` pattern literal with `%`, `_` and `\` in `fixed` escaped; `before`/`after` add a `%` wildcard. */
export function likePattern(fixed: string, wildcard: { before?: boolean; after?: boolean }): string {
  const escaped = fixed.replace(/[\\%_]/g, (c) => `\\${c}`);
  const needsEscape = escaped !== fixed;
  return `${sqlString(`${wildcard.before ? '%' : ''}${escaped}${wildcard.after ? '%' : ''}`)}${needsEscape ? " ESCAPE '\\'" : ''}`;
}

/** Athena database and table names: lower-case letters, digits and underscores (Athena's own rule). */
export function athenaIdentifier(option: string, value: string): string {
  if (!/^[a-z0-9_]{1,255}$/.test(value)) {
    throw new AthenaInputError(option, value, 'use lower-case letters, digits and underscores only (Athena database and table names)');
  }
  return value;
}
