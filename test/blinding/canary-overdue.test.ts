/** The canary's overdue logic on a fake clock, and the recognition of a canary denial (SYNTHETIC records). */
import { describe, expect, it } from 'vitest';
import { canaryArrivalOf, CANARY_PARAMETER_PREFIX } from '../../lambdas/core/canary/canary.js';
import { canaryNotice, checkCanary, DEFAULT_OVERDUE_MINUTES, recordArrival, type CanaryState } from '../../lambdas/core/canary/overdue.js';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { roleSession } from '../changes/support/timeline.js';
import { call } from './fixtures.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const min = (n: number) => n * 60_000;
const arrival = (accountId: string, region: string, atMs: number) => ({ accountId, region, eventTimeMs: atMs });

/** A fake clock and the check run on a 15-minute schedule, as the Lambda's schedule would. */
function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the canary overdue check (fake clock)', () => {
  it('on time: a canary every 15 minutes is never blind', () => {
    const c = clock();
    let state = recordArrival(null, arrival('111122223333', 'eu-west-1', c.now()), c.now());
    for (let i = 0; i < 12; i++) {
      c.advance(min(15));
      state = recordArrival(state, arrival('111122223333', 'eu-west-1', c.now() - min(4)), c.now()); // CloudTrail's ~4-minute delay
      expect(checkCanary(state, { nowMs: c.now() }).kind).toBe('on-time');
    }
  });

  it('late: one lost canary is tolerated; three missed raise one "blind", then "back" once it returns', () => {
    const c = clock();
    let state: CanaryState = recordArrival(null, arrival('111122223333', 'eu-west-1', c.now()), c.now());
    const kinds: string[] = [];
    for (let i = 1; i <= 8; i++) {
      c.advance(min(15));
      if (i === 8) state = recordArrival(state, arrival('111122223333', 'eu-west-1', c.now()), c.now());
      const verdict = checkCanary(state, { nowMs: c.now() });
      state = verdict.state;
      kinds.push(verdict.kind);
    }
    // 15, 30, 45 min on time (the threshold is 50), blind at 60, standing until the canary returns at 120.
    expect(DEFAULT_OVERDUE_MINUTES).toBe(50);
    expect(kinds).toEqual(['on-time', 'on-time', 'on-time', 'blind', 'still-blind', 'still-blind', 'still-blind', 'back']);
  });

  it('says "blind: nothing from account A in Region R since T" and what to check in order; "back" when it returns', () => {
    const state = recordArrival(null, arrival('111122223333', 'eu-west-1', T0), T0);
    const blind = checkCanary(state, { nowMs: T0 + min(60) });
    const notice = canaryNotice(blind)!;
    expect(notice.subject).toBe('blind: nothing from account 111122223333 in eu-west-1 since 2026-12-01T10:00:00Z');
    expect(notice.message.split('\n').slice(2).map((line) => line.split(':')[0])).toEqual(['1. the trail', '2. the trail event selectors', '3. the rule', '4. the forwarder', '5. the bus policy', '6. an SCP refusing the forwarder role events', '7. the key']);
    const back = checkCanary(recordArrival(blind.state, arrival('111122223333', 'eu-west-1', T0 + min(61)), T0 + min(62)), { nowMs: T0 + min(62) });
    expect(canaryNotice(back)!.subject).toBe('back: account 111122223333 in eu-west-1 is seen again');
  });

  it('a new account and Region is expected only from its first canary on (no state: nothing to check)', () => {
    const state = recordArrival(null, arrival('444455556666', 'ap-southeast-5', T0 + min(500)), T0 + min(500));
    expect(state.blind).toBe(false);
    expect(checkCanary(state, { nowMs: T0 + min(510) }).kind).toBe('on-time');
  });

  it('an excluded account, or account and Region, is never blind', () => {
    const state = recordArrival(null, arrival('111122223333', 'eu-west-1', T0), T0);
    expect(checkCanary(state, { nowMs: T0 + min(600), excluded: ['111122223333'] }).kind).toBe('excluded');
    expect(checkCanary(state, { nowMs: T0 + min(600), excluded: ['111122223333/eu-west-1'] }).kind).toBe('excluded');
    expect(checkCanary(state, { nowMs: T0 + min(600), excluded: ['111122223333/us-east-1'] }).kind).toBe('blind');
  });

  it('clock skew: a canary dated ahead of its arrival counts as arriving then, so it cannot hold the alarm off', () => {
    const skewed = recordArrival(null, arrival('111122223333', 'eu-west-1', T0 + min(600)), T0);
    expect(skewed.lastArrivalMs).toBe(T0);
    expect(checkCanary(skewed, { nowMs: T0 + min(60) }).kind).toBe('blind');
    // An older arrival delivered late never moves the last arrival back.
    const later = recordArrival(skewed, arrival('111122223333', 'eu-west-1', T0 - min(30)), T0 + min(5));
    expect(later.lastArrivalMs).toBe(T0);
  });
});

describe('recognising a canary denial (SYNTHETIC records)', () => {
  const canary = (account: string, roleAccount: string, role: string, name = `${CANARY_PARAMETER_PREFIX}/probe`): CloudTrailRecord => ({
    ...call('ssm.amazonaws.com', 'PutParameter', { name, type: 'String', overwrite: true }),
    recipientAccountId: account,
    userIdentity: roleSession(roleAccount, role, 'canary'),
    errorCode: 'AccessDenied',
    errorMessage: `User: arn:aws:sts::${roleAccount}:assumed-role/${role}/canary is not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:eu-west-1:${roleAccount}:parameter${name} with an explicit deny in an identity-based policy`,
  });

  it('is the canary role of the same account, denied ssm:PutParameter under the canary prefix; classify still sees a denial', () => {
    const record = canary('111122223333', '111122223333', 'DenialAlerterCanary-eu-west-1');
    expect(canaryArrivalOf(record)).toMatchObject({ accountId: '111122223333', region: 'eu-west-1' });
    expect(classify(record).denied).toBe(true); // which is why the engine must ignore it
  });

  it('is not a look-alike: another account\'s role of the same name, another role, another parameter, a success', () => {
    expect(canaryArrivalOf(canary('111122223333', '999999999999', 'DenialAlerterCanary-eu-west-1'))).toBeNull();
    expect(canaryArrivalOf(canary('111122223333', '111122223333', 'deploy'))).toBeNull();
    expect(canaryArrivalOf(canary('111122223333', '111122223333', 'DenialAlerterCanary-eu-west-1', '/prod/db-password'))).toBeNull();
    const { errorCode: _e, errorMessage: _m, ...success } = canary('111122223333', '111122223333', 'DenialAlerterCanary-eu-west-1');
    expect(canaryArrivalOf(success as CloudTrailRecord)).toBeNull();
  });
});
