/**
 * `replay` hands the engine only the records a deployed rule could deliver (`isRuleCandidate`): over the whole
 * corpus, every denial the classifier finds and every change the change catalogue extracts must be among them, and
 * a plain successful call must not (else batches would hold what the Lambda never sees).
 */
import { describe, expect, it } from 'vitest';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import { classify } from '../../lambdas/core/classify.js';
import { isRuleCandidate } from '../../lambdas/core/rule-candidate.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';

const corpus: CloudTrailRecord[] = [
  ...corpusFoldersWith('denied.jsonl').flatMap((folder) => readJsonl(`${folder}/denied.jsonl`)),
  ...corpusFoldersWith('negatives.jsonl').flatMap((folder) => readJsonl(`${folder}/negatives.jsonl`)),
  ...readJsonl('stratus-red-team-detonation-logs/all_events.jsonl'),
];

describe('records a rule could deliver (what replay batches)', () => {
  it('include every denial and every authorization change of the corpus', () => {
    const denials = corpus.filter((record) => classify(record).denied);
    const changes = corpus.filter((record) => extractChange(record) !== null);
    expect(denials.length).toBeGreaterThan(100);
    expect(changes.length).toBeGreaterThan(0);
    expect(denials.filter((record) => !isRuleCandidate(record))).toEqual([]);
    expect(changes.filter((record) => !isRuleCandidate(record))).toEqual([]);
  });

  it('leave out successful calls that change no authorization (most of a trail)', () => {
    const plain = corpus.filter((record) => !record.errorCode && extractChange(record) === null);
    const kept = plain.filter(isRuleCandidate);
    expect(plain.length).toBeGreaterThan(100);
    // A catalogued call whose condition does not hold (say PutBucketPolicy of an identical policy) is still handed
    // over, as the change rule matches by name; anything else is skipped.
    expect(kept.length / plain.length).toBeLessThan(0.05);
    expect(isRuleCandidate({ eventSource: 's3.amazonaws.com', eventName: 'GetObject' })).toBe(false);
    expect(isRuleCandidate({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: 'NoSuchKey' })).toBe(true);
    expect(isRuleCandidate({ eventSource: 'iam.amazonaws.com', eventName: 'DetachRolePolicy' })).toBe(true);
  });
});
