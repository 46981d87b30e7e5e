/**
 * The app's EventBridge patterns, as preflight measures them against the "Event pattern size" quota. One place, so
 * that when the change rule is split into shards (`changeEventPatterns()`), only this list changes.
 */
import { changeEventPattern } from '../../lib/change-pattern.js';
import { denialEventPattern } from '../../lib/event-pattern.js';
import type { NamedPattern } from '../core/preflight/pattern-quota.js';

/** Every pattern the stack's rules would carry with these settings. */
export function appEventPatterns(options: { extraErrorCodes: readonly string[]; whatChanged: boolean }): NamedPattern[] {
  return [
    { name: 'denial rule', pattern: denialEventPattern(options.extraErrorCodes) },
    ...(options.whatChanged ? [{ name: '"what changed" rule', pattern: changeEventPattern() }] : []),
  ];
}
