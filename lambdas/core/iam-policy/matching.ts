/**
 * IAM's wildcard matching: `*` matches any run of characters, `?` one character. Actions match case-insensitively,
 * resources and principals case-sensitively.
 */
const cache = new Map<string, RegExp>();

function regexOf(pattern: string, flags: string): RegExp {
  const key = `${flags}\u0000${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, flags);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, regex);
  }
  return regex;
}

/** True when an Action pattern (`s3:Get*`) covers the action (`s3:GetObject`). */
export function actionMatches(pattern: string, action: string): boolean {
  return regexOf(pattern, 'is').test(action);
}

/** True when a Resource pattern covers the ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return regexOf(pattern, 's').test(arn);
}
