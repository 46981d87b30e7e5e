/**
 * IAM's wildcard matching: `*` matches any run of characters, `?` one character. Actions match case-insensitively,
 * resources and principals case-sensitively.
 *
 * ARN patterns are matched segment by segment, as the IAM User Guide describes the Resource element: a wildcard stays
 * inside its colon-separated segment, except a `*` that ends a segment, which "can expand to match beyond the colon
 * boundaries". The policy variables `${*}`, `${?}` and `${$}` stand for the literal characters.
 */
const cache = new Map<string, RegExp>();

/** Marks the literal characters written `${*}`, `${?}`, `${$}` in a policy, so that they are not wildcards. */
const LITERALS: Record<string, string> = { '${*}': '\uE000', '${?}': '\uE001', '${$}': '\uE002' };
const LITERAL_BACK: Record<string, string> = { '\uE000': '*', '\uE001': '?', '\uE002': '$' };

function protectLiterals(pattern: string): string {
  return pattern.includes('${') ? pattern.replace(/\$\{[*?$]\}/g, (token) => LITERALS[token] ?? token) : pattern;
}

/** A policy string with `${*}`, `${?}`, `${$}` turned into the characters they stand for (for exact comparisons). */
export function unescapeLiterals(text: string): string {
  return protectLiterals(text).replace(/[\uE000-\uE002]/g, (mark) => LITERAL_BACK[mark]!);
}

function regexOf(pattern: string, flags: string, arnSegments: boolean): RegExp {
  const key = `${flags}${arnSegments ? 'a' : ''}\u0000${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const text = protectLiterals(pattern);
    let body = '';
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (char === '*') body += arnSegments && i + 1 < text.length && text[i + 1] !== ':' ? '[^:]*' : '.*';
      else if (char === '?') body += arnSegments ? '[^:]' : '.';
      else if (char in LITERAL_BACK) body += `\\${LITERAL_BACK[char]}`;
      else body += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    regex = new RegExp(`^${body}$`, flags);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, regex);
  }
  return regex;
}

/** True when an Action pattern (`s3:Get*`) covers the action (`s3:GetObject`). */
export function actionMatches(pattern: string, action: string): boolean {
  return regexOf(pattern, 'is', false).test(action);
}

/** True when a Resource pattern covers the ARN (segment-aware when both are ARNs). */
export function resourceMatches(pattern: string, arn: string): boolean {
  return regexOf(pattern, 's', pattern.startsWith('arn:') && arn.startsWith('arn:')).test(arn);
}

/** True when a `StringLike` pattern covers the value (`*` and `?` match anything, colons included). */
export function stringLikeMatches(pattern: string, value: string): boolean {
  return regexOf(pattern, 's', false).test(value);
}
