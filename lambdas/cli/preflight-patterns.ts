/**
 * The app's EventBridge patterns, as preflight measures them against the "Event pattern size" quota: the denial rule
 * and each shard of the "what changed" rule (`changeEventPatterns()`, each within the default 2,048 characters).
 */
import { changeEventPatterns } from '../../lib/change-pattern.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import type { NamedPattern } from '../core/preflight/pattern-quota.js';

/** Every pattern the stack's rules would carry with these settings. */
export function appEventPatterns(options: { extraErrorCodes: readonly string[]; whatChanged: boolean }): NamedPattern[] {
  const shards = options.whatChanged ? changeEventPatterns() : [];
  return [
    { name: 'denial rule', pattern: denialEventPattern(options.extraErrorCodes) },
    ...shards.map((pattern, index) => ({ name: `"what changed" rule ${index + 1} of ${shards.length}`, pattern })),
  ];
}
