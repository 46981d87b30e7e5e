/**
 * One principal, one fingerprint per role, whatever fields a record lacks. Real corpus records are stripped of
 * `sessionContext`, `sessionIssuer`, `userIdentity.arn` or the whole `userIdentity` (the principal then comes from the
 * message, without the role path): the fingerprint must stay the one of the full record.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { principalKeyOf, principalOfArn } from '../../lambdas/core/principal.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

type Strip = (record: CloudTrailRecord) => void;

const STRIPS: Array<[string, Strip]> = [
  ['without sessionContext', (record) => delete record.userIdentity!.sessionContext],
  ['without sessionIssuer', (record) => delete record.userIdentity!.sessionContext?.sessionIssuer],
  ['without userIdentity.arn', (record) => delete record.userIdentity!.arn],
  ['without userIdentity.type', (record) => delete record.userIdentity!.type],
  ['without userIdentity.accountId', (record) => delete record.userIdentity!.accountId],
  ['without userIdentity at all', (record) => delete record.userIdentity],
  ['with only a principalId', (record) => (record.userIdentity = { type: 'AssumedRole', principalId: record.userIdentity!.principalId })],
];

/**
 * Real denials by assumed-role sessions whose message names the caller, one of them with a role path (SSO). The corpus
 * anonymised account ids independently in a few records (message and userIdentity disagree, which AWS never writes):
 * those cannot tell one role from two and are left out.
 */
const roleDenials = ['panther-analysis-test-fixtures', 'stratus-red-team-detonation-logs']
  .flatMap((folder) => readJsonl(`${folder}/denied.jsonl`))
  .filter((record) => record.userIdentity?.type === 'AssumedRole' && /User: arn:aws:sts::/.test(record.errorMessage ?? ''))
  .filter((record) => record.errorMessage!.includes(`:sts::${record.userIdentity!.accountId}:assumed-role/`));

describe('one fingerprint per role whatever fields the record lacks (real corpus records, fields stripped)', () => {
  it('has real role denials to test, one with a path', () => {
    expect(roleDenials.length).toBeGreaterThan(10);
    expect(roleDenials.some((record) => record.userIdentity?.sessionContext?.sessionIssuer?.arn?.includes('/aws-reserved/'))).toBe(true);
  });

  for (const [label, strip] of STRIPS) {
    it(label, () => {
      for (const record of roleDenials) {
        const full = classify(record);
        const stripped = structuredClone(record);
        strip(stripped);
        const denial = classify(stripped);
        expect(denial.fingerprint, `${record.eventID} ${label}`).toBe(full.fingerprint);
        expect(principalKeyOf(denial.principalArn)).toBe(principalKeyOf(full.principalArn));
        expect(denial.accountId).toBe(full.accountId);
      }
    });
  }

  it('keeps the path when the record has it, and reads the role from the session ARN when not', () => {
    const sso = roleDenials.find((record) => record.userIdentity?.sessionContext?.sessionIssuer?.arn?.includes('/aws-reserved/'))!;
    expect(classify(sso).principalArn).toBe('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/SampleRole');
    const bare = structuredClone(sso);
    delete bare.userIdentity;
    expect(classify(bare).principalArn).toBe('arn:aws:iam::111122223333:role/SampleRole');
  });
});

describe('principalKeyOf', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/SampleRole', 'arn:aws:iam::111122223333:role/SampleRole'],
    ['arn:aws:iam::111122223333:role/SampleRole', 'arn:aws:iam::111122223333:role/SampleRole'],
    ['arn:aws:sts::111122223333:assumed-role/SampleRole/session', 'arn:aws:iam::111122223333:role/SampleRole'],
    ['arn:aws-cn:iam::111122223333:user/division/alice', 'arn:aws-cn:iam::111122223333:user/alice'],
    ['arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:root'],
    ['ec2.amazonaws.com', 'ec2.amazonaws.com'],
  ])('%s keys as %s', (arn, key) => {
    expect(principalKeyOf(arn)).toBe(key);
  });

  it('a session ARN is its role', () => {
    expect(principalOfArn('arn:aws:sts::111122223333:assumed-role/R/s')).toBe('arn:aws:iam::111122223333:role/R');
    expect(principalOfArn(null)).toBeNull();
  });
});
