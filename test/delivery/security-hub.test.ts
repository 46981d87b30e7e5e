import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.js';
import { createLambdaPublisher } from '../../lambdas/adapters/lambda-notifier.js';
import { SECURITY_HUB_CHANNEL_ID, SecurityHubFindings, SecurityHubImportError } from '../../lambdas/adapters/security-hub.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { incidentQuietPeriod } from '../../lambdas/core/findings/incident.js';
import { LOCAL_CREDENTIALS } from '../../lambdas/adapters/dynamodb-local.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { asffProblems } from '../support/finding-schemas.js';
import { startHttpServer, type LocalServer, type RecordedRequest } from '../support/http-server.js';
import { ec2GetPasswordData, stsAssumeRole } from '../render/alerts.js';

const dynamo = useDynamoDbLocal();
const QUIET = incidentQuietPeriod({ windowMinutes: 5, cooldownMinutes: 60 });
const ACCOUNT = '457448411975';
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type Script = (findings: Array<Record<string, unknown>>, response: ServerResponse, index: number) => void;

/** Answers every finding as imported. */
const acceptAll: Script = (findings, response) => answer(response, 200, { FailedCount: 0, SuccessCount: findings.length, FailedFindings: [] });

function answer(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
  response.end(JSON.stringify(body));
}

/** A loopback Security Hub: `POST /findings/import` (REST JSON) answered by `script`; every import recorded. */
async function fakeSecurityHub(script: Script = acceptAll) {
  const server = await startHttpServer((request, response, index) => {
    if (request.method !== 'POST' || request.url !== '/findings/import') return answer(response, 404, { Message: 'unexpected request' });
    script(findingsOf(request), response, index);
  });
  servers.push(server);
  const client = new SecurityHubClient({ endpoint: server.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 3, retryStrategy: undefined });
  return { server, client, imports: () => server.requests.filter((request) => request.url === '/findings/import').map(findingsOf) };
}

function findingsOf(request: RecordedRequest): Array<Record<string, unknown>> {
  return (JSON.parse(request.body) as { Findings: Array<Record<string, unknown>> }).Findings;
}

async function channelWith(client: SecurityHubClient, clock: { now: number }) {
  const { tableName } = await dynamo.newTable();
  const store = new DynamoDbIncidentStore({ tableName, client: dynamo.client() });
  return { store, hub: new SecurityHubFindings({ client, store, accountId: ACCOUNT, region: 'us-east-1', quietMs: QUIET, now: () => clock.now }) };
}

const opening = ec2GetPasswordData;
const escalation: AlertSummary = { ...opening, alertId: 'escalation-1', reason: 'escalation', count: 420, lastSeen: '2024-07-30T21:50:00.000Z' };
const at = (iso: string) => Date.parse(iso);

describe('the Security Hub channel, against a loopback Security Hub with the real SDK client', () => {
  it('imports one finding per incident, updates it on escalation and archives it once quiet', async () => {
    const { client, imports, server } = await fakeSecurityHub();
    const clock = { now: at('2024-07-30T21:32:00Z') };
    const { hub, store } = await channelWith(client, clock);

    await hub.deliver(opening, clock.now + 10_000);
    clock.now = at('2024-07-30T21:51:00Z');
    await hub.deliver(escalation, clock.now + 10_000);
    clock.now = at('2024-07-30T22:49:00Z');
    expect(await hub.archiveQuiet({ deadlineMs: clock.now + 10_000 })).toEqual({ archived: 0, failed: [] });
    clock.now = at('2024-07-30T22:51:00Z');
    expect(await hub.archiveQuiet({ deadlineMs: clock.now + 10_000 })).toEqual({ archived: 1, failed: [] });
    expect(await hub.archiveQuiet({ deadlineMs: clock.now + 10_000 })).toEqual({ archived: 0, failed: [] });

    const [[created], [updated], [archived]] = imports() as Array<Array<Record<string, unknown>>>;
    expect(imports()).toHaveLength(3);
    expect(new Set([created!.Id, updated!.Id, archived!.Id]).size).toBe(1);
    expect([created!.RecordState, updated!.RecordState, archived!.RecordState]).toEqual(['ACTIVE', 'ACTIVE', 'ARCHIVED']);
    expect((updated!.ProductFields as Record<string, string>)['DenialAlerter/Activity']).toBe('update');
    expect(String(created!.UpdatedAt) < String(updated!.UpdatedAt) && String(updated!.UpdatedAt) < String(archived!.UpdatedAt)).toBe(true);
    for (const finding of [created!, updated!, archived!]) expect(asffProblems(finding)).toEqual([]);
    expect(server.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 .*\/securityhub\/aws4_request/);
    expect(await store.list()).toEqual([]);
  });

  it('a redelivered alert re-imports the same finding; an alert after the quiet period archives the old incident and opens a new one', async () => {
    const { client, imports } = await fakeSecurityHub();
    const clock = { now: at('2024-07-30T21:32:00Z') };
    const { hub } = await channelWith(client, clock);
    await hub.deliver(opening, clock.now + 10_000);
    await hub.deliver(opening, clock.now + 10_000);
    expect(imports()[1]).toEqual(imports()[0]);

    const nextDay: AlertSummary = { ...opening, alertId: 'next-day', lastSeen: '2024-07-31T21:31:00.000Z' };
    clock.now = at('2024-07-31T21:32:00Z');
    await hub.deliver(nextDay, clock.now + 10_000);
    const [archivedOld, createdNew] = [imports()[2]![0]!, imports()[3]![0]!];
    expect(archivedOld).toMatchObject({ Id: imports()[0]![0]!.Id, RecordState: 'ARCHIVED' });
    expect(createdNew).toMatchObject({ Id: 'denial-alerter/incident/next-day', RecordState: 'ACTIVE' });
  });

  it('rides out throttling (HTTP 429, LimitExceededException) through the SDK retries', async () => {
    const { client, imports } = await fakeSecurityHub((findings, response, index) =>
      index === 0 ? answer(response, 429, { Message: 'Rate exceeded' }, 'LimitExceededException') : acceptAll(findings, response, index),
    );
    const clock = { now: Date.now() };
    const { hub } = await channelWith(client, clock);
    await hub.deliver(opening, Date.now() + 20_000);
    expect(imports()).toHaveLength(2);
  });

  it('fails as retryable when Security Hub keeps throttling, so the outbox dead-letters the alert and stops the channel', async () => {
    const { client } = await fakeSecurityHub((_findings, response) => answer(response, 429, { Message: 'Rate exceeded' }, 'LimitExceededException'));
    const clock = { now: Date.now() };
    const { hub } = await channelWith(client, clock);
    const error = await hub.deliver(opening, Date.now() + 20_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/LimitExceededException/) });
  });

  it('reads FailedFindings per finding: a refused finding fails its own alert, a refused archive keeps only its incident open', async () => {
    let refuse = '';
    const { client } = await fakeSecurityHub((findings, response) => {
      const failed = findings.filter((finding) => String(finding.Id).includes(refuse)).map((finding) => ({ Id: finding.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' }));
      answer(response, 200, { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed });
    });
    const clock = { now: at('2024-07-30T21:40:00Z') };
    const { hub, store } = await channelWith(client, clock);
    refuse = 'no-such-finding';
    await hub.deliver(opening, clock.now + 10_000);
    await hub.deliver(stsAssumeRole, clock.now + 10_000);

    refuse = stsAssumeRole.alertId;
    const refused = await hub.deliver(stsAssumeRole, clock.now + 10_000).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ retryable: false, message: expect.stringMatching(/refused finding denial-alerter\/incident\/622411955ca94d50bfb6-test: InvalidInput/) });

    clock.now = at('2024-07-31T00:00:00Z');
    const stats = await hub.archiveQuiet({ deadlineMs: clock.now + 10_000 });
    expect(stats.archived).toBe(1);
    expect(stats.failed).toEqual([{ fingerprint: stsAssumeRole.fingerprint, error: 'InvalidInput: Finding does not adhere to ASFF' }]);
    expect((await store.list()).map((open) => open.incident.fingerprint)).toEqual([stsAssumeRole.fingerprint]);
  });

  it('goes to every alert beside its routes, and a channel that already took an alert is skipped on a retry from the outbox', async () => {
    const { client, imports } = await fakeSecurityHub();
    const clock = { now: Date.now() };
    const { hub } = await channelWith(client, clock);
    const publisher = createLambdaPublisher({ routes: [], securityHub: hub.channel() });
    const first = await publisher.publish([{ alert: opening, alreadyDelivered: [] }], { deadlineMs: Date.now() + 10_000 });
    expect(first).toEqual([{ alertId: opening.alertId, channel: SECURITY_HUB_CHANNEL_ID, status: 'delivered' }]);
    const retry = await publisher.publish([{ alert: opening, alreadyDelivered: [SECURITY_HUB_CHANNEL_ID] }], { deadlineMs: Date.now() + 10_000 });
    expect(retry).toEqual([]);
    expect(imports()).toHaveLength(1);
  });
});
