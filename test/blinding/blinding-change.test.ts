import { describe, expect, it } from 'vitest';
import { blindingOf } from '../../lambdas/core/blinding/blinding-change.js';
import { NO_ALERTER_RESOURCES } from '../../lambdas/core/blinding/own-resources.js';
import { catalogEntryOf } from '../../lambdas/core/changes/catalog.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import { changeEventPattern } from '../../lib/change-pattern.js';
import { matchesPattern } from '../stack/support/pattern-matcher.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { BLINDING, call, NOT_BLINDING, OWN } from './fixtures.js';

const asEvent = (record: CloudTrailRecord) => ({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: `aws.${String(record.eventSource).split('.')[0]}`, detail: record });
/** The rule's pattern(s): one today, several once sharded; a record is delivered when any matches. */
const patterns = (): Array<Record<string, unknown>> => [changeEventPattern()];
const delivered = (record: CloudTrailRecord) => patterns().some((pattern) => matchesPattern(pattern, asEvent(record)));

describe('the changes that blind the alerter (SYNTHETIC records of test/blinding/fixtures.ts)', () => {
  it.each(BLINDING)('%s: in the catalogue as blinding, delivered by the change rule, stored as a change, and a blinding', (_label, record) => {
    expect(catalogEntryOf(record.eventSource, record.eventName)?.blinding).toBe(true);
    expect(delivered(record)).toBe(true);
    expect(extractChange(record)).not.toBeNull();
    const blinding = blindingOf(record, OWN);
    expect(blinding).not.toBeNull();
    expect(blinding!.effect.length).toBeGreaterThan(10);
    expect(blinding!.undo).toMatch(/^aws |^redeploy the alerter/);
  });

  it.each(NOT_BLINDING)('%s: not a blinding', (_label, record) => {
    expect(blindingOf(record, OWN)).toBeNull();
  });

  it('leaves a trail setting that narrows nothing out of "what changed" too (the pattern takes the call broadly, core decides)', () => {
    const [, validation] = NOT_BLINDING[0]!;
    const [, keepsManagement] = NOT_BLINDING[1]!;
    for (const record of [validation, keepsManagement]) {
      expect(delivered(record)).toBe(true);
      expect(extractChange(record)).toBeNull();
    }
  });

  it('knows a stopped trail whoever owns it, but nobody\'s rule without the alerter\'s names', () => {
    expect(blindingOf(BLINDING[0]![1], NO_ALERTER_RESOURCES)?.kind).toBe('trail');
    const disable = BLINDING.find(([label]) => label === 'DisableRule of the alerter')![1];
    expect(blindingOf(disable, NO_ALERTER_RESOURCES)).toBeNull();
  });

  it('undoes each with the exact command, values shell-quoted', () => {
    expect(blindingOf(BLINDING[0]![1], OWN)!.undo).toBe("aws cloudtrail start-logging --name 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail' --region 'eu-west-1'");
    const disable = BLINDING.find(([label]) => label === 'DisableRule of the alerter')![1];
    expect(blindingOf(disable, OWN)!.undo).toBe("aws events enable-rule --name 'DenialAlerter-RuleA1B2C3' --region 'eu-west-1'");
    const key = BLINDING.find(([label]) => label.startsWith('ScheduleKeyDeletion'))![1];
    expect(blindingOf(key, OWN)!.undo).toBe("aws kms cancel-key-deletion --key-id '1234abcd-12ab-34cd-56ef-1234567890ab' --region 'eu-west-1' && aws kms enable-key --key-id '1234abcd-12ab-34cd-56ef-1234567890ab' --region 'eu-west-1'");
    const hostile = call('cloudtrail.amazonaws.com', 'StopLogging', { name: "t'; rm -rf ~; echo '" });
    expect(blindingOf(hostile, OWN)!.undo).toBe(`aws cloudtrail start-logging --name 't'\\''; rm -rf ~; echo '\\''' --region 'eu-west-1'`);
  });

  it('is not delivered when the call failed (a denied StopLogging is a denial, triaged as sensitive)', () => {
    const [, failed] = NOT_BLINDING.at(-1)!;
    expect(delivered(failed)).toBe(false);
  });
});
