/**
 * The Lambda path end to end with the Access Troubleshooter: SQS batch → real engine on DynamoDB Local → policy
 * diagnoser asking a loopback IAM Toolbox endpoint (documented response shape) → the published alert carries the
 * authorization id, the console link, and the statement AWS matched; the Slack message shows the link.
 * The denials are synthetic (the test support's S3 denial with the 2026 Access Troubleshooter suffix appended).
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IamToolboxHttpReader } from '../../lambdas/adapters/policy-sources/access-troubleshooter.js';
import { createPolicyDiagnoser } from '../../lambdas/adapters/policy-sources/policy-diagnoser.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { processSqsBatch } from '../../lambdas/engine/process-sqs-batch.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { recordingPublisher } from '../engine/support.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { startHttpServer, type LocalServer } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';

const dynamo = useDynamoDbLocal();
const ID = 'q8w2e6r4t1y9u3i7o5p0a2s8d6f4g1h3';
const CONSOLE = `https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${ID}`;
const BUCKET_POLICY = 'arn:aws:s3:::artifacts';
const NOW = Date.parse('2026-11-30T10:00:00Z');

describe('Lambda path with the Access Troubleshooter (loopback endpoint, DynamoDB Local)', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      const url = new URL(request.url, 'http://127.0.0.1');
      response.writeHead(200, { 'content-type': 'application/json' });
      if (url.pathname === `/authorization-details/${ID}/policy`) {
        response.end(JSON.stringify({ policyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'DenyOutsideVpn', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::artifacts/*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] } }));
        return;
      }
      response.end(
        JSON.stringify({
          requestContext: { 'aws:SourceIp': '203.0.113.10' },
          evaluations: [{ action: 's3:PutObject', resource: 'arn:aws:s3:::artifacts/builds/app.zip', evaluatedEffect: 'DENY', matchedPolicies: [{ uri: BUCKET_POLICY, matchedStatements: [{ sid: 'DenyOutsideVpn', evaluatedEffect: 'DENY' }] }] }],
          policies: [{ type: 'RESOURCE_BASED_POLICY', inline: true, uri: BUCKET_POLICY, attachedTo: [{ arn: 'arn:aws:s3:::artifacts' }] }],
        }),
      );
    });
  });
  afterAll(() => server.close());

  it('publishes an alert with the console link, the authorization id and the statement AWS matched', async () => {
    const { store } = await dynamo.newTable();
    const diagnose = createPolicyDiagnoser({ sources: null, troubleshooter: new IamToolboxHttpReader({ endpoint: server.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }), now: () => NOW, env: {} });
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW, diagnose });
    const publisher = recordingPublisher();
    const records: CloudTrailRecord[] = syntheticBurst(6, NOW - 4 * 60_000, 3).map((record) => ({
      ...record,
      errorMessage: `${record.errorMessage}. Go to ${CONSOLE} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${ID}`,
    }));
    const event: SQSEvent = { Records: records.map((record, index) => ({ messageId: `m${index}`, body: JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record }) }) as SQSRecord) };
    const response = await processSqsBatch(event, { engine, store, publisher, deadLetter: async () => undefined, metric: () => undefined, log: () => undefined, now: () => NOW }, { deadlineMs: NOW + 30_000 });
    expect(response.batchItemFailures).toEqual([]);
    const alerts: AlertSummary[] = publisher.calls.flat().map((request) => request.alert);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert).toMatchObject({ authorizationId: ID, authorizationDetailsUrl: CONSOLE, denyLayer: 'resource-policy', denyKind: 'explicit', policyArn: BUCKET_POLICY });
    expect(alert.diagnosis).toMatchObject({ decidedBy: 'access-troubleshooter', decision: 'explicit-deny', denyingStatement: { sid: 'DenyOutsideVpn', statement: { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } } } });
    expect(server.requests.some((request) => request.url === `/authorization-details/${ID}`)).toBe(true);
    expect(JSON.stringify(buildSlackMessage(alert))).toContain(`authorization-details/${ID}`);
  });
});
