import { describe, expect, it } from 'vitest';
import { denialEventPattern } from '../../lib/event-pattern.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';
import { matchesPattern } from './support/pattern-matcher.js';

const asEvent = (record: CloudTrailRecord) => ({
  version: '0',
  'detail-type': record.errorCode === 'VpceAccessDenied' ? 'AWS Network Activity Event via CloudTrail' : 'AWS API Call via CloudTrail',
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  detail: record,
});

describe('the pattern matcher used by these tests', () => {
  it.each([
    [{ a: ['x'] }, { a: 'x' }, true],
    [{ a: ['x'] }, { a: 'y' }, false],
    [{ a: [{ prefix: 'Acc' }] }, { a: 'AccessDenied' }, true],
    [{ a: [{ suffix: 'Op' }] }, { a: 'Client.Op' }, true],
    [{ a: [{ suffix: 'Op' }] }, { a: 'Opx' }, false],
    [{ a: [{ 'equals-ignore-case': 'x' }] }, { a: 'X' }, true],
    [{ a: [{ 'anything-but': ['x'] }] }, { a: 'y' }, true],
    [{ a: [{ 'anything-but': ['x'] }] }, { a: 'x' }, false],
    [{ a: [{ exists: false }] }, {}, true],
    [{ a: [{ exists: true }] }, {}, false],
    [{ a: [{ wildcard: 'a*c' }] }, { a: 'abbc' }, true],
    [{ a: { b: ['x'] } }, { a: { b: 'x' } }, true],
    [{ a: { b: ['x'] } }, { a: 'x' }, false],
    [{ a: ['x'] }, { a: ['y', 'x'] }, true],
    [{ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' }, true],
    [{ $or: [{ a: ['1'] }, { b: ['2'] }] }, { c: '3' }, false],
    [{ a: ['x'] }, {}, false],
  ])('%j against %j is %s', (pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});

describe('the denial rule pattern against the whole corpus', () => {
  const pattern = denialEventPattern();

  it('fits EventBridge\'s 4096-character limit', () => {
    expect(JSON.stringify(denialEventPattern(['AuthorizationError', 'UnauthorizedException', 'ForbiddenException', 'NotAuthorizedException'])).length).toBeLessThan(4096);
  });

  for (const folder of corpusFoldersWith('denied.jsonl')) {
    const denied = readJsonl(`${folder}/denied.jsonl`);
    if (denied.length > 0) {
      it(`matches every denial of ${folder}`, () => {
        for (const record of denied) expect(matchesPattern(pattern, asEvent(record)), `${record.eventID} ${record.errorCode}`).toBe(true);
      });
    }
    const negatives = readJsonl(`${folder}/negatives.jsonl`);
    if (negatives.length > 0) {
      it(`matches no negative of ${folder}`, () => {
        for (const record of negatives) expect(matchesPattern(pattern, asEvent(record)), `${record.eventID} ${record.errorCode}`).toBe(false);
      });
    }
  }

  it('matches the opt-in codes only when configured', () => {
    const sns = asEvent({ eventSource: 'sns.amazonaws.com', errorCode: 'AuthorizationError' });
    expect(matchesPattern(pattern, sns)).toBe(false);
    expect(matchesPattern(denialEventPattern(['AuthorizationError']), sns)).toBe(true);
  });

  it('ignores other detail-types', () => {
    const record = readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!;
    expect(matchesPattern(pattern, { ...asEvent(record), 'detail-type': 'AWS Console Sign In via CloudTrail' })).toBe(false);
  });
});
