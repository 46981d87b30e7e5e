/**
 * Issue 23, bullet 2: every CloudTrail event source that AWS documentation names (`test/fixtures/cloudtrail-event-sources.json`,
 * each entry with its page; see `test/fixtures/README.md`) resolves to a service prefix of the IAM catalogue, and so do
 * the documented exceptions. The corpus and the bundled sample are checked in `event-source.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionFromEvent } from '../../lambdas/core/action-mapping.js';
import { isKnownService } from '../../lambdas/core/iam-catalog.js';
import { DOCUMENTED_EVENT_SOURCES, servicePrefixesOf } from '../../lambdas/core/service-rules/event-source.js';

interface Fixture {
  eventSources: Array<{ eventSource: string; page: string }>;
  withoutIamService: Array<{ eventSource: string; page: string }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/cloudtrail-event-sources.json', import.meta.url), 'utf8')) as Fixture;

describe('the documented CloudTrail event sources', () => {
  it('are a cited list: each entry names an AWS documentation page, none twice', () => {
    expect(fixture.eventSources.length).toBeGreaterThanOrEqual(40);
    const all = [...fixture.eventSources, ...fixture.withoutIamService];
    for (const { eventSource, page } of all) {
      expect(eventSource).toMatch(/^[a-z0-9.-]+\.amazonaws\.com$/);
      expect(page, eventSource).toMatch(/^https:\/\/docs\.(aws\.amazon\.com|amazonaws\.cn)\//);
    }
    expect(new Set(all.map((entry) => entry.eventSource)).size).toBe(all.length);
  });

  it.each(fixture.eventSources.map((entry) => [entry.eventSource, entry.page]))('%s resolves to a service of the IAM catalogue (%s)', (eventSource) => {
    const prefixes = servicePrefixesOf(eventSource);
    expect(prefixes.length, eventSource).toBeGreaterThan(0);
    for (const prefix of prefixes) expect(isKnownService(prefix), `${eventSource} → ${prefix}`).toBe(true);
  });

  it.each(fixture.withoutIamService.map((entry) => [entry.eventSource, entry.page]))('%s, whose service the Service Authorization Reference does not list, gets no invented prefix (%s)', (eventSource) => {
    expect(servicePrefixesOf(eventSource)).toEqual([]);
    expect(actionFromEvent(eventSource, 'ListThings')).toBeNull();
  });

  it('every documented exception names services of the catalogue', () => {
    for (const [host, prefixes] of Object.entries(DOCUMENTED_EVENT_SOURCES)) {
      for (const prefix of prefixes) expect(isKnownService(prefix), `${host} → ${prefix}`).toBe(true);
    }
  });

  it('the Access Troubleshooter\'s own reads (iam-toolbox.amazonaws.com) are authorized by iam', () => {
    expect(servicePrefixesOf('iam-toolbox.amazonaws.com')).toEqual(['iam']);
    // Documented in the IAM Toolbox API reference, absent from the catalogue: scripts/build-iam-index.ts adds them.
    expect(actionFromEvent('iam-toolbox.amazonaws.com', 'GetRequestAuthorizationDetails')).toBe('iam:GetRequestAuthorizationDetails');
    expect(actionFromEvent('iam-toolbox.amazonaws.com', 'GetRequestAuthorizationPolicy')).toBe('iam:GetRequestAuthorizationPolicy');
  });

  it.each([
    ['cloudcontrolapi.amazonaws.com', 'CreateResource', 'cloudformation:CreateResource'],
    ['taxconsole.amazonaws.com', 'GetTaxRegistration', 'tax:GetTaxRegistration'],
    ['discovery-marketplace.amazonaws.com', 'SearchListings', 'aws-marketplace:SearchListings'],
    ['deployment-marketplace.amazonaws.com', 'PutDeploymentParameter', 'aws-marketplace:PutDeploymentParameter'],
    ['contact-lens.amazonaws.com', 'ListRealtimeContactAnalysisSegments', 'connect:ListRealtimeContactAnalysisSegments'],
    // from data: the service's name without "Amazon" ("Amazon OpenSearch Service" → es)
    ['opensearchservice.amazonaws.com', 'CreateDomain', 'es:CreateDomain'],
  ])('hosts named unlike their prefix give the action: %s %s is %s', (eventSource, eventName, action) => {
    expect(actionFromEvent(eventSource, eventName)).toBe(action);
  });
});
