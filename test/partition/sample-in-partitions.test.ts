/**
 * The bundled sample rewritten into AWS GovCloud (US) and AWS China (ARNs, Regions and event ids: labelled copies of
 * the real records, made here), replayed in one run beside the commercial original: each partition's alerts are the
 * commercial ones in that partition, with no commercial ARN, no commercial console link, no Access Troubleshooter
 * offer, and a `--region` on every suggested command.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { partitionById } from '../../lambdas/core/partition.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { runCli } from '../cli/run-cli.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

const SAMPLE = new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url);
const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'denial-partitions-'));

/** The sample's records as text, rewritten into a partition: ARNs, every Region (IAM's own to IAM's Region), event ids. */
function rewrite(text: string, partitionId: string): string {
  const partition = partitionById(partitionId)!;
  const records = (JSON.parse(text) as { Records: Array<{ awsRegion: string }> }).Records;
  const regions = [...new Set(records.map((record) => record.awsRegion))].sort((a, b) => b.length - a.length);
  let out = text.replaceAll('arn:aws:', `arn:${partitionId}:`);
  regions.forEach((region, index) => {
    const target = region === 'us-east-1' ? partition.iamRegion : partition.regions[index % partition.regions.length]!;
    out = out.replaceAll(region, target);
  });
  return out.replace(/"eventID":"([^"]+)"/g, `"eventID":"$1-${partitionId}"`);
}

type AlertLine = AlertSummary & { type: 'alert'; rendering: Record<string, unknown> };
let alerts: AlertLine[] = [];

beforeAll(async () => {
  const original = gunzipSync(readFileSync(SAMPLE)).toString('utf8');
  const files = ['aws', 'aws-us-gov', 'aws-cn'].map((partition) => {
    const file = join(work, `sample-${partition}.json`);
    writeFileSync(file, partition === 'aws' ? original : rewrite(original, partition));
    return file;
  });
  const { tableName } = await dynamo.newTable();
  const result = await runCli(['replay', '--json', '--no-progress', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(work, 'dl.jsonl'), ...files]);
  expect(result.status, result.stderr).toBe(0);
  alerts = result.lines().filter((line) => line.type === 'alert');
}, 120_000);

/** Everything a responder reads of an alert: its JSON and its Slack, SNS and terminal forms. */
function everything(alert: AlertLine): string {
  const { type: _type, rendering: _rendering, ...summary } = alert;
  return [JSON.stringify(alert), JSON.stringify(buildSlackMessage(summary)), buildSnsMessage(summary).message, renderAlertText(summary)].join('\n');
}

const partitionOfAlert = (alert: AlertLine) => /^arn:([a-z-]+):/.exec(alert.principalArn ?? '')?.[1];

describe('the bundled sample in three partitions, replayed together', () => {
  it('alerts the same in each partition: the two spikes and the blinding changes, same actions, counts, layers, severity and fix', () => {
    const byPartition = new Map<string, AlertLine[]>();
    for (const alert of alerts) byPartition.set(partitionOfAlert(alert)!, [...(byPartition.get(partitionOfAlert(alert)!) ?? []), alert]);
    expect([...byPartition.keys()].sort()).toEqual(['aws', 'aws-cn', 'aws-us-gov']);
    const shape = (alert: AlertLine) => ({
      reason: alert.reason,
      action: alert.action,
      count: alert.count,
      layer: alert.denyLayer,
      kind: alert.denyKind,
      severity: alert.rendering.severity,
      lead: alert.rendering.lead,
      fixAction: (alert.rendering.fix as { statement?: { Action?: string } }).statement?.Action ?? null,
      managed: (alert.rendering.managedPolicies as Array<{ name: string }>).map((match) => match.name),
      changes: (alert.changes ?? []).map((change) => `${change.eventName} ${change.minutesBeforeFirstDenial} min`),
    });
    const order = (a: ReturnType<typeof shape>, b: ReturnType<typeof shape>) => `${a.reason} ${a.action}`.localeCompare(`${b.reason} ${b.action}`);
    const commercial = byPartition.get('aws')!.map(shape).sort(order);
    expect(commercial.filter((alert) => alert.reason !== 'blinding')).toHaveLength(2);
    expect(commercial.filter((alert) => alert.reason === 'blinding').length).toBeGreaterThan(0);
    for (const partition of ['aws-us-gov', 'aws-cn']) {
      expect(byPartition.get(partition)!.map(shape).sort(order)).toEqual(commercial);
    }
  });

  it('writes no commercial ARN, console link or Access Troubleshooter offer into a GovCloud or China alert', () => {
    for (const alert of alerts.filter((a) => partitionOfAlert(a) !== 'aws')) {
      const text = everything(alert);
      expect(text).not.toMatch(/arn:aws:/);
      expect(text).not.toMatch(/console\.aws\.amazon\.com/);
      expect(text).not.toMatch(/authorization-details|GetRequestAuthorizationDetails/);
      expect(text).toMatch(partitionOfAlert(alert) === 'aws-cn' ? /console\.amazonaws\.cn/ : /console\.amazonaws-us-gov\.com/);
    }
  });

  it('names managed policies in the partition, says they are not known to exist there, and how to check', () => {
    const gov = alerts.find((a) => partitionOfAlert(a) === 'aws-us-gov' && (a.rendering.managedPolicies as unknown[]).length > 0)!;
    expect((gov.rendering.managedPolicies as Array<{ arn: string }>)[0]!.arn).toMatch(/^arn:aws-us-gov:iam::aws:policy\//);
    expect(gov.rendering.managedPoliciesCaveat).toMatch(/not known to exist in AWS GovCloud \(US\).*aws iam get-policy --policy-arn 'arn:aws-us-gov:iam::aws:policy\/.*' --region us-gov-west-1/);
    const commercial = alerts.find((a) => partitionOfAlert(a) === 'aws' && (a.rendering.managedPolicies as unknown[]).length > 0)!;
    expect(commercial.rendering.managedPoliciesCaveat).toBeNull();
  });

  it('puts --region on every suggested aws command, IAM\'s Region of the partition for IAM', () => {
    for (const alert of alerts) {
      const { type: _type, rendering: _rendering, ...summary } = alert;
      const plain = `${buildSnsMessage(summary).message}\n${renderAlertText(summary)}`;
      const commands = plain.match(/\baws (?:iam|sts|cloudtrail|dynamodb|s3api|kms|ec2|events|lambda|cloudformation) [a-z-]+[^\n]*/g) ?? [];
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) expect(command, command).toMatch(/--region '?[a-z0-9-]+/);
    }
    // A denial's alert (a blinding alert suggests no grant, so nothing to simulate).
    const cn = alerts.find((a) => partitionOfAlert(a) === 'aws-cn' && !a.blinding)!;
    expect(cn.rendering.simulateCommand).toMatch(/^aws iam simulate-principal-policy --region cn-north-1 /);
  });
});
