import { describe, expect, it } from 'vitest';
import { judgeBootstrap } from '../../lambdas/core/preflight/bootstrap.js';
import { exitStatusOf } from '../../lambdas/core/preflight/checklist.js';
import { largestPattern } from '../../lambdas/core/preflight/pattern-quota.js';
import { judgeTrails, managementCoverage } from '../../lambdas/core/preflight/trail.js';
import { appEventPatterns } from '../../lambdas/cli/preflight-patterns.js';

describe('preflight verdicts (pure)', () => {
  it('reads management coverage from basic selectors: defaults to read and write, honours IncludeManagementEvents and ReadWriteType', () => {
    expect(managementCoverage({ basic: [{}] })).toEqual({ read: true, write: true });
    expect(managementCoverage({ basic: [{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }] })).toEqual({ read: true, write: true });
    expect(managementCoverage({ basic: [{ IncludeManagementEvents: false }] })).toEqual({ read: false, write: false });
    expect(managementCoverage({ basic: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] }).limitedTo).toBe('all but kms.amazonaws.com');
  });

  it('reads advanced selectors: eventCategory Management, readOnly, eventSource filters; data selectors do not count', () => {
    expect(managementCoverage({ advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] })).toEqual({ read: false, write: false });
    expect(managementCoverage({ advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] }] })).toEqual({ read: true, write: false });
    expect(managementCoverage({ advanced: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', Equals: ['iam.amazonaws.com'] }] }] })).toEqual({ read: true, write: true, limitedTo: 'only iam.amazonaws.com' });
  });

  it('prefers a complete trail over a partial one covering the same Region', () => {
    const partial = { name: 'a', homeRegion: 'eu-west-1', multiRegion: false, organizationTrail: false, logging: true, management: { read: false, write: true } };
    const full = { ...partial, name: 'b', management: { read: true, write: true } };
    expect(judgeTrails('eu-west-1', [partial, full])).toMatchObject({ verdict: 'pass', detail: expect.stringContaining('"b"') });
    expect(judgeTrails('eu-west-1', [partial]).verdict).toBe('warn');
  });

  it('fails a CDKToolkit stack left in ROLLBACK_COMPLETE, but not one in UPDATE_ROLLBACK_COMPLETE', () => {
    expect(judgeBootstrap('1', 'eu-west-1', { found: true, from: 'CDKToolkit stack', version: 28, status: 'ROLLBACK_COMPLETE' }).verdict).toBe('fail');
    expect(judgeBootstrap('1', 'eu-west-1', { found: true, from: 'CDKToolkit stack', version: 28, status: 'UPDATE_ROLLBACK_COMPLETE' }).verdict).toBe('pass');
  });

  it('measures patterns as compact JSON and picks the largest of the app patterns', () => {
    expect(largestPattern([{ name: 'x', pattern: { a: ['b'] } }])).toEqual({ name: 'x', chars: '{"a":["b"]}'.length });
    const patterns = appEventPatterns({ extraErrorCodes: [], whatChanged: true });
    expect(patterns[0]!.name).toBe('denial rule');
    expect(patterns.length).toBeGreaterThan(2);
    patterns.slice(1).forEach((pattern, index) => expect(pattern.name).toBe(`"what changed" rule ${index + 1} of ${patterns.length - 1}`));
    expect(largestPattern(patterns).chars).toBeLessThanOrEqual(2_048);
    expect(appEventPatterns({ extraErrorCodes: [], whatChanged: false })).toHaveLength(1);
  });

  it('exits 1 only on a fail', () => {
    expect(exitStatusOf([{ id: 'a', title: 'a', verdict: 'warn', detail: '' }])).toBe(0);
    expect(exitStatusOf([{ id: 'a', title: 'a', verdict: 'fail', detail: '' }])).toBe(1);
  });
});
