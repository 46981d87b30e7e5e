import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { earlyClassifier } from '../../lambdas/replay/early-classifier.js';
import { syntheticDenial } from '../support/records.js';

const NO_EXTRA = new Set<string>();

describe("replay's early classifier", () => {
  it('hands out what it classified on arrival, once, and the same as classifying then', () => {
    const record = syntheticDenial({ time: Date.parse('2026-12-01T10:00:00Z') });
    const classifier = earlyClassifier(NO_EXTRA);
    classifier.see(record);
    // Classified on arrival: a later change to the record does not reach the early result.
    const arrived = record.eventTime;
    record.eventTime = '2026-12-02T00:00:00Z';
    const first = classifier.classify(record, { extraErrorCodes: NO_EXTRA });
    expect(first.denied).toBe(true);
    expect(first.eventTime).toBe(arrived);
    // Asked again (the engine sets fields on what it gets): a fresh classification, not the object handed out.
    const again = classifier.classify(record, { extraErrorCodes: NO_EXTRA });
    expect(again).not.toBe(first);
    expect(again.eventTime).toBe('2026-12-02T00:00:00Z');
  });

  it('classifies a record it did not see as it comes, with the options given', () => {
    const record = { ...syntheticDenial({ time: Date.parse('2026-12-01T10:00:00Z') }), errorCode: 'AuthorizationError', errorMessage: 'not authorized' };
    const classifier = earlyClassifier(NO_EXTRA);
    expect(classifier.classify(record, { extraErrorCodes: NO_EXTRA }).denied).toBe(false);
    expect(classifier.classify(record, { extraErrorCodes: new Set(['AuthorizationError']) })).toEqual(classify(record, { extraErrorCodes: new Set(['AuthorizationError']) }));
  });

  it('leaves a record it cannot classify to the engine, which gets the error itself', () => {
    const hostile = { eventVersion: '1.09' } as CloudTrailRecord;
    Object.defineProperty(hostile, 'errorCode', { get: () => { throw new Error('unreadable field'); }, enumerable: true });
    const classifier = earlyClassifier(NO_EXTRA);
    expect(() => classifier.see(hostile)).not.toThrow();
    expect(() => classifier.classify(hostile, { extraErrorCodes: NO_EXTRA })).toThrow('unreadable field');
  });
});
