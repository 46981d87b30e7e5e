/** Reading untyped record fields. */

/** The value when it is a non-empty string, else null (CloudTrail fields may be absent, null, empty or not text). */
export const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
