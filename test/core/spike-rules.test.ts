import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings, SettingsError } from '../../lambdas/core/config.js';
import { decideSpikes, EMPTY_SPIKE_STATE, windowCount, type SpikeState } from '../../lambdas/core/spike/spike-rules.js';
import { compileSuppressions, globToRegExp } from '../../lambdas/core/spike/suppression.js';
import { classify } from '../../lambdas/core/classify.js';
import { syntheticDenial } from '../support/records.js';

const T0 = 29_000_000; // a minute since the epoch (2025-02-20), aligned to 5-minute windows
const counts = (entries: Array<[number, number]>) => new Map(entries.map(([offset, count]) => [T0 + offset, count]));

describe('decideSpikes', () => {
  it('alerts when a fingerprint reaches the threshold within the window, not before', () => {
    const four = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 2], [4, 2]]), [T0, T0 + 4], true, DEFAULT_SETTINGS);
    expect(four.decisions).toEqual([]);
    const five = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 2], [4, 3]]), [T0, T0 + 4], true, DEFAULT_SETTINGS);
    expect(five.decisions).toEqual([{ reason: 'threshold', minute: T0 + 4, count: 5, baseline: 0 }]);
  });

  it('uses a sliding window: five denials spread over six minutes do not alert', () => {
    const result = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 1], [1, 1], [2, 1], [3, 1], [5, 1]]), [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 5], true, DEFAULT_SETTINGS);
    expect(result.decisions).toEqual([]);
  });

  it('stays quiet during the cooldown, then alerts again after it', () => {
    const first = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 5]]), [T0], true, DEFAULT_SETTINGS);
    expect(first.decisions).toHaveLength(1);
    const during = decideSpikes(first.state, counts([[0, 5], [30, 20]]), [T0 + 30], false, { ...DEFAULT_SETTINGS, baselineMultiple: 0 });
    expect(during.decisions).toEqual([]);
    const after = decideSpikes(during.state, counts([[0, 5], [30, 20], [61, 20]]), [T0 + 61], false, { ...DEFAULT_SETTINGS, baselineMultiple: 0 });
    expect(after.decisions.map((d) => d.reason)).toEqual(['threshold']);
  });

  it('escalates during the cooldown at 10 times the last alert\'s count', () => {
    const first = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 5]]), [T0], true, DEFAULT_SETTINGS);
    const below = decideSpikes(first.state, counts([[0, 5], [2, 44]]), [T0 + 2], false, DEFAULT_SETTINGS);
    expect(below.decisions).toEqual([]);
    const at = decideSpikes(first.state, counts([[0, 5], [2, 45]]), [T0 + 2], false, DEFAULT_SETTINGS);
    expect(at.decisions).toEqual([{ reason: 'escalation', minute: T0 + 2, count: 50, baseline: 0 }]);
    expect(at.state).toMatchObject({ lastAlertMinute: T0 + 2, lastAlertCount: 50 });
  });

  it('stops paging for a job that fails the same way every five minutes, yet alerts on a new surge', () => {
    let state: SpikeState = EMPTY_SPIKE_STATE;
    const history = new Map<number, number>();
    const alerts: string[] = [];
    for (let window = 0; window < 7 * 24 * 12; window++) {
      const minute = T0 + window * 5;
      history.set(minute, 5);
      const result = decideSpikes(state, history, [minute], window === 0, DEFAULT_SETTINGS);
      state = result.state;
      alerts.push(...result.decisions.map((d) => `${window}:${d.reason}`));
    }
    expect(alerts).toEqual(['0:threshold']);
    expect(state.baseline).toBeGreaterThan(4.9);
    const surgeMinute = T0 + 7 * 24 * 60 + 5;
    history.set(surgeMinute, 40);
    const surge = decideSpikes(state, history, [surgeMinute], false, DEFAULT_SETTINGS);
    expect(surge.decisions.map((d) => d.reason)).toEqual(['threshold']);
  });

  it('decays the baseline over silent windows', () => {
    const state: SpikeState = { lastAlertMinute: null, lastAlertCount: 0, baseline: 10, baselineWindow: T0 / 5 };
    const later = T0 + 5 * 100;
    const result = decideSpikes(state, new Map([[later, 1]]), [later], false, DEFAULT_SETTINGS);
    expect(result.state.baseline).toBeCloseTo(10 * 0.9 ** 99, 5);
  });

  it('alerts on the first denial of a new fingerprint only when alertOnFirstSeen is set', () => {
    const off = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 1]]), [T0], true, DEFAULT_SETTINGS);
    expect(off.decisions).toEqual([]);
    const on = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 1]]), [T0], true, { ...DEFAULT_SETTINGS, alertOnFirstSeen: true });
    expect(on.decisions.map((d) => d.reason)).toEqual(['first-seen']);
    const known = decideSpikes(EMPTY_SPIKE_STATE, counts([[0, 1]]), [T0], false, { ...DEFAULT_SETTINGS, alertOnFirstSeen: true });
    expect(known.decisions).toEqual([]);
  });

  it('counts windows inclusively', () => {
    expect(windowCount(counts([[0, 1], [4, 1], [5, 1]]), T0 + 4, 5)).toBe(2);
    expect(windowCount(counts([[0, 1], [4, 1], [5, 1]]), T0 + 5, 5)).toBe(2);
  });
});

describe('suppressions', () => {
  const denial = (overrides: Parameters<typeof syntheticDenial>[0]) => classify(syntheticDenial(overrides));

  it('match every given field, with * and ? wildcards, case-insensitively', () => {
    const suppressionOf = compileSuppressions([{ name: 'ci', principal: '*:role/ci-*', userAgent: '*CI-JOB' }]);
    expect(suppressionOf(denial({ time: 0, principal: 'ci-deployer' }))).toBe('ci');
    expect(suppressionOf(denial({ time: 0, principal: 'ci-deployer', userAgent: 'console' }))).toBeNull();
    expect(suppressionOf(denial({ time: 0, principal: 'prod' }))).toBeNull();
  });

  it('treat regex characters in patterns literally', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a?b').test('axb')).toBe(true);
  });
});

describe('settings', () => {
  it('name the field that is wrong', () => {
    expect(() => resolveSettings({ threshold: 0 })).toThrow(new SettingsError('setting "threshold" must be a positive number, got 0'));
    expect(() => resolveSettings({ nope: 1 } as never)).toThrow(/unknown setting "nope"/);
    expect(() => resolveSettings({ suppressions: [{ name: 'x' }] })).toThrow(/matches nothing/);
    expect(() => resolveSettings({ suppressions: [{ name: 'x', who: 'y' }] })).toThrow(/unknown field "who"/);
  });
});
