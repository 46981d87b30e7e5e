/**
 * The Lambda handler end to end with Security Hub on: DynamoDB Local for the engine, the outbox and the open incidents,
 * a loopback Security Hub behind the real SDK client. One spike is one finding, its escalation updates that finding,
 * and the batch after the quiet period archives it.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../lambdas/adapters/dynamodb-incident-store.js';
import { LOCAL_CREDENTIALS } from '../../lambdas/adapters/dynamodb-local.js';
import { createLambdaPublisher } from '../../lambdas/adapters/lambda-notifier.js';
import { SecurityHubFindings } from '../../lambdas/adapters/security-hub.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { incidentQuietPeriod } from '../../lambdas/core/findings/incident.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { makeSqsHandler } from '../../lambdas/handler.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { asffProblems } from '../support/finding-schemas.js';
import { useHttpServers } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';

const dynamo = useDynamoDbLocal();
const servers = useHttpServers();
const message = (id: string, body: string): SQSRecord => ({ messageId: id, body }) as SQSRecord;
const envelope = (record: CloudTrailRecord) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });
const batch = (records: CloudTrailRecord[], tag: string): SQSEvent => ({ Records: records.map((record, index) => message(`${tag}${index}`, envelope(record))) });

describe('the handler with Security Hub on', () => {
  it('imports one finding per incident, updates it on escalation and archives it when quiet', { timeout: 120_000 }, async () => {
    const hubServer = await servers.start((request, response) => {
      const { Findings } = JSON.parse(request.body) as { Findings: unknown[] };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ FailedCount: 0, SuccessCount: Findings.length, FailedFindings: [] }));
    });
    const { store, tableName } = await dynamo.newTable();
    const settings = resolveSettings();
    let offsetMs = 0;
    const hub = new SecurityHubFindings({
      client: new SecurityHubClient({ endpoint: hubServer.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
      store: new DynamoDbIncidentStore({ tableName, client: dynamo.client() }),
      accountId: '111122223333',
      region: 'us-east-1',
      quietMs: incidentQuietPeriod(settings),
      now: () => Date.now() + offsetMs,
    });
    const deadLetters: unknown[] = [];
    const handler = makeSqsHandler(() => ({
      engine: createSpikeEngine({ store, settings, now: Date.now, clock: 'arrival' }),
      store,
      publisher: createLambdaPublisher({ routes: [], securityHub: hub.channel() }),
      deadLetter: async (_kind, body) => void deadLetters.push(body),
      metric: () => undefined,
      log: () => undefined,
      archiveQuietFindings: (deadlineMs) => hub.archiveQuiet({ deadlineMs }),
      // The invocation's clock, moved on with the channel's for the last batch.
      now: () => Date.now() + offsetMs,
    }));
    const context = { getRemainingTimeInMillis: () => 60_000 };
    const start = Date.now() - 120_000;

    await handler(batch(syntheticBurst(6, start, 1, { principal: 'nightly-export' }), 'a'), context);
    await handler(batch(syntheticBurst(80, start + 60_000, 1, { principal: 'nightly-export' }), 'b'), context);
    offsetMs = incidentQuietPeriod(settings) + 60_000;
    await handler({ Records: [] }, context);

    const imports = hubServer.requests.map((request) => (JSON.parse(request.body) as { Findings: Array<Record<string, any>> }).Findings);
    expect(deadLetters).toEqual([]);
    expect(imports.map((findings) => findings.map((finding) => `${finding.ProductFields['DenialAlerter/Activity']}:${finding.RecordState}`))).toEqual([
      ['create:ACTIVE'],
      ['update:ACTIVE'],
      ['close:ARCHIVED'],
    ]);
    expect(new Set(imports.flat().map((finding) => finding.Id)).size).toBe(1);
    expect(imports[1]![0]!.ProductFields['DenialAlerter/Reason']).toBe('escalation');
    for (const finding of imports.flat()) expect(asffProblems(finding)).toEqual([]);
  });
});
