import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

const sample = JSON.parse(gunzipSync(readFileSync(new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url))).toString('utf8')) as { Records: CloudTrailRecord[] };

describe('the bundled sample', () => {
  it('is the stratus corpus unchanged, plus one change record labelled synthetic in every way a reader can see', () => {
    const [synthetic, ...real] = sample.Records;
    expect(real).toEqual(readJsonl('stratus-red-team-detonation-logs/all_events.jsonl'));
    expect(sample.Records.filter((record) => record.synthetic === true)).toEqual([synthetic]);
    expect(synthetic).toMatchObject({ synthetic: true, eventID: 'synthetic-what-changed-0001', requestID: 'synthetic-what-changed-0001' });
    expect(synthetic!.userAgent).toMatch(/^synthetic record/);
    expect(extractChange(synthetic!)).toMatchObject({
      eventName: 'DetachRolePolicy',
      principalArn: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
    });
    // It precedes the GetPasswordData spike of the same role and account.
    const firstDenial = real.find((record) => record.eventName === 'GetPasswordData' && record.errorCode)!;
    expect(firstDenial.recipientAccountId).toBe(synthetic!.recipientAccountId);
    expect(Date.parse(firstDenial.eventTime!) - Date.parse(synthetic!.eventTime!)).toBe((13 * 60 + 34) * 1000);
  });
});
