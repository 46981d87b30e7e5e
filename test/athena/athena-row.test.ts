import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fromAthenaRow, looksLikeAthenaRow } from '../../lambdas/core/athena/athena-row.js';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { unwrapDocument } from '../../lambdas/core/unwrap.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';
import { toAthenaRow, unloadFile } from './support/athena-rows.js';

/** Every record of the shared corpus: denials, hard negatives and the whole Stratus timeline. */
function wholeCorpus(): CloudTrailRecord[] {
  const files = [
    ...corpusFoldersWith('denied.jsonl').map((folder) => `${folder}/denied.jsonl`),
    ...corpusFoldersWith('negatives.jsonl').map((folder) => `${folder}/negatives.jsonl`),
    ...corpusFoldersWith('all_events.jsonl').map((folder) => `${folder}/all_events.jsonl`),
  ];
  return files.flatMap((file) => readJsonl<CloudTrailRecord>(file));
}

const corpus = wholeCorpus();

describe('an Athena row read back as a CloudTrail record', () => {
  it('classifies exactly as the raw record, for every record of the corpus', () => {
    expect(corpus.length).toBeGreaterThan(400);
    let denials = 0;
    for (const record of corpus) {
      const row = toAthenaRow(record);
      const [unwrapped] = unwrapDocument(row);
      expect(unwrapped && 'record' in unwrapped, record.eventID).toBe(true);
      const restored = (unwrapped as { record: CloudTrailRecord }).record;
      const expected = classify(record);
      // One hand-edited Panther fixture spells userIdentity's inner names in lower case (`sessioncontext`), which
      // the raw reader does not see; Athena's JSON SerDe matches names case-insensitively, so its row knows the MFA flag.
      if (record.userIdentity && 'sessioncontext' in record.userIdentity) expected.mfaAuthenticated = true;
      expect(classify(restored), `${record.eventID} ${record.errorCode}`).toEqual(expected);
      if (expected.denied) denials++;
    }
    expect(denials).toBeGreaterThanOrEqual(90);
  });

  it('restores CloudTrail names, JSON-text columns, resources, the session issuer and readOnly', () => {
    const row = {
      eventversion: '1.09',
      useridentity: {
        type: 'AssumedRole',
        principalid: 'AROAEXAMPLE:job-42',
        arn: 'arn:aws:sts::111122223333:assumed-role/ci/job-42',
        accountid: '111122223333',
        invokedby: null,
        accesskeyid: 'ASIAEXAMPLE',
        username: null,
        onbehalfof: null,
        sessioncontext: {
          attributes: { mfaauthenticated: 'false', creationdate: '2026-06-01T10:00:00Z' },
          sessionissuer: { type: 'Role', principalid: 'AROAEXAMPLE', arn: 'arn:aws:iam::111122223333:role/ops/ci', accountid: '111122223333', username: 'ci' },
          ec2roledelivery: null,
          webidfederationdata: null,
        },
      },
      eventtime: '2026-06-01T10:00:05Z',
      eventsource: 's3.amazonaws.com',
      eventname: 'GetObject',
      sourceipaddress: '203.0.113.7',
      errorcode: 'AccessDenied',
      requestparameters: '{"bucketName":"artifacts","key":"a/b.zip","Host":"artifacts.s3.amazonaws.com"}',
      responseelements: null,
      additionaleventdata: '{"SignatureVersion":"SigV4","bytesTransferredIn":0}',
      eventid: 'e-1',
      readonly: 'true',
      resources: [{ arn: 'arn:aws:s3:::artifacts/a/b.zip', accountid: '111122223333', type: 'AWS::S3::Object' }],
      recipientaccountid: '111122223333',
    };
    expect(looksLikeAthenaRow(row)).toBe(true);
    const record = fromAthenaRow(row);
    expect(record).toEqual({
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:job-42',
        arn: 'arn:aws:sts::111122223333:assumed-role/ci/job-42',
        accountId: '111122223333',
        accessKeyId: 'ASIAEXAMPLE',
        sessionContext: {
          attributes: { mfaAuthenticated: 'false', creationDate: '2026-06-01T10:00:00Z' },
          sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: 'arn:aws:iam::111122223333:role/ops/ci', accountId: '111122223333', userName: 'ci' },
        },
      },
      eventTime: '2026-06-01T10:00:05Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      sourceIPAddress: '203.0.113.7',
      errorCode: 'AccessDenied',
      requestParameters: { bucketName: 'artifacts', key: 'a/b.zip', Host: 'artifacts.s3.amazonaws.com' },
      additionalEventData: { SignatureVersion: 'SigV4', bytesTransferredIn: 0 },
      eventID: 'e-1',
      readOnly: true,
      resources: [{ ARN: 'arn:aws:s3:::artifacts/a/b.zip', accountId: '111122223333', type: 'AWS::S3::Object' }],
      recipientAccountId: '111122223333',
    });
    expect(classify(record)).toMatchObject({ denied: true, principalArn: 'arn:aws:iam::111122223333:role/ops/ci', action: 's3:GetObject', sessionName: 'job-42' });
  });

  it('keeps the data keys of maps and unknown columns as they are, and JSON text that does not parse as text', () => {
    const record = fromAthenaRow({
      eventsource: 'sts.amazonaws.com',
      useridentity: { sessioncontext: { webidfederationdata: { federatedprovider: 'arn:aws:iam::1:oidc-provider/x', attributes: { 'token.actions.githubusercontent.com:sub': 'repo:o/r' } } } },
      requestparameters: '{not json',
      account: '111122223333',
    });
    expect(record).toEqual({
      eventSource: 'sts.amazonaws.com',
      userIdentity: { sessionContext: { webIdFederationData: { federatedProvider: 'arn:aws:iam::1:oidc-provider/x', attributes: { 'token.actions.githubusercontent.com:sub': 'repo:o/r' } } } },
      requestParameters: '{not json',
      account: '111122223333',
    });
  });

  it('leaves CloudTrail records, EventBridge events and unrelated objects alone', () => {
    expect(looksLikeAthenaRow(corpus[0] as Record<string, unknown>)).toBe(false);
    expect(looksLikeAthenaRow({ hello: 1 })).toBe(false);
    expect(looksLikeAthenaRow({ eventsource: 's3.amazonaws.com', eventSource: 's3.amazonaws.com' })).toBe(false);
    const [raw] = unwrapDocument(corpus[0]);
    expect(raw).toEqual({ record: corpus[0] });
  });

  it('reads an UNLOAD file line by line (gzip JSON lines)', () => {
    const lines = gunzipSync(unloadFile(corpus.slice(0, 3) as Record<string, unknown>[])).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(Object.keys(JSON.parse(line)).every((key) => key === key.toLowerCase())).toBe(true);
  });
});
