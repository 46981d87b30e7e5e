/**
 * docs/history-table.md, run: the bundled sample replayed into a DynamoDB Local table (`replay --endpoint --table`),
 * then read only with the page's own `aws dynamodb` commands (sent as the same SDK requests): every denial readable,
 * a principal's denials by its ARN, one action's denials on one day, one fingerprint's, the alerts and their state,
 * and the Athena query's rows over a dump shaped as a DynamoDB export.
 */
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { denialsOfExportDirectory, EXPORT_COLUMNS } from '../../lambdas/adapters/history-export.js';
import { classify } from '../../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { runCli } from '../cli/run-cli.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { denialsOfPages, runBlock, shellBlocks, sqlBlocks } from './doc-commands.js';

const SAMPLE = fileURLToPath(new URL('../../sample/cloudtrail-sample.json.gz', import.meta.url));
const ROLE = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'history-table-'));
let variables: Record<string, string>;

const sampleRecords = (JSON.parse(gunzipSync(readFileSync(SAMPLE)).toString('utf8')) as { Records: CloudTrailRecord[] }).Records;
const sampleDenials = sampleRecords.map((record) => classify(record)).filter((denial) => denial.denied);

/** The page's shell block holding `text` (the first one). */
function block(text: string): string {
  const found = shellBlocks().find((candidate) => candidate.includes(text));
  if (!found) throw new Error(`docs/history-table.md has no command with ${text}`);
  return found;
}

const distinctById = <T extends { eventId?: string }>(rows: T[]): Map<string, T> => new Map(rows.map((row) => [row.eventId!, row]));

beforeAll(async () => {
  const { tableName } = await dynamo.newTable();
  const replayed = await runCli(['replay', '--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(work, 'dl.jsonl'), SAMPLE]);
  expect(replayed.status).toBe(0);
  variables = { TABLE: tableName };
}, 180_000);

describe('the sample, read with the commands of docs/history-table.md', () => {
  it('the sample holds 51 denials (the ground truth the queries are held to)', () => {
    expect(sampleDenials).toHaveLength(51);
  });

  it('all 51 denials are readable from a scan, every searched field a plain string (and the same in PartiQL)', async () => {
    const scanned = await runBlock(dynamo.client(), block('aws dynamodb scan --table-name "$TABLE" \\\n  --filter-expression'), variables);
    const denials = distinctById(denialsOfPages(scanned.Items));
    expect(denials.size).toBe(51);
    expect([...denials.keys()].sort()).toEqual(sampleDenials.map((denial) => denial.eventId).sort());
    for (const denial of denials.values()) {
      const truth = sampleDenials.find((candidate) => candidate.eventId === denial.eventId)!;
      expect(denial).toMatchObject({
        principalArn: truth.principalArn ?? undefined,
        action: truth.action ?? undefined,
        resource: truth.resource ?? undefined,
        denyLayer: truth.denyLayer ?? undefined,
        accountId: truth.accountId ?? undefined,
        region: truth.region ?? undefined,
        sourceIp: truth.sourceIp ?? undefined,
        sessionName: truth.sessionName ?? undefined,
      });
      expect(denial.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    }
    // No field a user searches by is binary: only `extras` (and nothing else) is.
    for (const item of scanned.Items as Array<Record<string, AttributeValue>>) {
      expect(Object.entries(item).filter(([, value]) => value.B !== undefined).map(([name]) => name)).toEqual(['extras']);
      expect(item.pk!.S).toMatch(/^H#(arn:|account:)/);
    }
    const partiql = await runBlock(dynamo.client(), block('denials IS NOT MISSING'), variables);
    expect(distinctById(denialsOfPages(partiql.Items)).size).toBe(51);
  });

  it("one principal's denials in a time range, by its ARN (query and PartiQL)", async () => {
    const expected = sampleDenials.filter((denial) => denial.principalArn === ROLE).map((denial) => denial.eventId).sort();
    expect(expected).toHaveLength(30);
    const queried = await runBlock(dynamo.client(), block("--key-condition-expression 'pk = :pk AND sk BETWEEN :from AND :to'"), variables);
    expect([...distinctById(denialsOfPages(queried.Items)).keys()].sort()).toEqual(expected);
    const partiql = await runBlock(dynamo.client(), block('AND sk BETWEEN'), variables);
    expect([...distinctById(denialsOfPages(partiql.Items)).keys()].sort()).toEqual(expected);
  });

  it("one action's denials on one day: the day's pages from byDay, then those pages (and PartiQL)", async () => {
    const expected = sampleDenials.filter((denial) => denial.action === 'ec2:GetPasswordData' && denial.eventTime!.startsWith('2024-07-30')).map((denial) => denial.eventId).sort();
    expect(expected.length).toBeGreaterThan(0);
    const keys = await runBlock(dynamo.client(), block("contains(actions, :action)"), variables);
    expect(keys.length).toBeGreaterThan(0);
    expect(Object.keys(keys[0]).sort()).toEqual(['pk', 'sk']);
    const pages = await runBlock(dynamo.client(), block('batch-get-item'), variables);
    const denials = denialsOfPages(pages.Responses[variables.TABLE!]).filter((denial) => denial.action === 'ec2:GetPasswordData');
    expect([...distinctById(denials).keys()].sort()).toEqual(expected);
    const listed = await runBlock(dynamo.client(), block(`contains(actions, 'ec2:GetPasswordData')"`), variables);
    expect(listed.Items.map((item: Record<string, AttributeValue>) => item.principalArn?.S)).toContain(ROLE);
    const ofPrincipal = await runBlock(dynamo.client(), block(`stratus-red-team-ec2-get-password-data-role' AND contains(actions`), variables);
    expect([...distinctById(denialsOfPages(ofPrincipal.Items).filter((denial) => denial.action === 'ec2:GetPasswordData')).keys()].sort()).toEqual(expected);
  });

  it("one account's denials on one day: the day's pages from byDay, then those pages", async () => {
    const account = '321848314756';
    const expected = sampleDenials.filter((denial) => denial.accountId === account && denial.eventTime!.startsWith('2024-07-31')).map((denial) => denial.eventId).sort();
    expect(expected.length).toBeGreaterThan(0);
    await runBlock(dynamo.client(), block('contains(accounts, :account)'), variables);
    const pages = await runBlock(dynamo.client(), block('batch-get-item'), variables);
    const denials = denialsOfPages(pages.Responses[variables.TABLE!]).filter((denial) => denial.accountId === account);
    expect([...distinctById(denials).keys()].sort()).toEqual(expected);
  });

  it('the alerts and their state, by day (query and PartiQL), and the outbox', async () => {
    const alerts = await runBlock(dynamo.client(), block('"A#2024-07-30"'), variables);
    expect(alerts.Items).toHaveLength(1);
    const alert = alerts.Items[0] as Record<string, AttributeValue>;
    expect(alert.action?.S).toBe('ec2:GetPasswordData');
    expect(alert.principalArn?.S).toBe(ROLE);
    expect(alert.reason?.S).toBeTruthy();
    expect(['pending', 'done']).toContain(alert.status?.S);
    expect(alert.alertId?.S).toBeTruthy();
    const partiql = await runBlock(dynamo.client(), block("WHERE dpk = 'A#2024-07-30'"), variables);
    expect(partiql.Items.map((item: Record<string, AttributeValue>) => item.alertId?.S)).toEqual([alert.alertId!.S]);
    const outbox = await runBlock(dynamo.client(), block('"OUTBOX"'), variables);
    expect(Array.isArray(outbox.Items)).toBe(true);
    variables.FINGERPRINT = alert.fingerprint!.S!;
  });

  it("one fingerprint's denials (the alert's), through byDay (query and PartiQL)", async () => {
    const alerts = await runBlock(dynamo.client(), block('"A#2024-07-30"'), variables);
    const fingerprint = (alerts.Items[0] as Record<string, AttributeValue>).fingerprint!.S!;
    const expected = sampleDenials.filter((denial) => denial.fingerprint === fingerprint && denial.eventTime!.startsWith('2024-07-30')).map((denial) => denial.eventId).sort();
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const withFingerprint = (text: string) => text.replaceAll('FINGERPRINT', fingerprint);
    await runBlock(dynamo.client(), withFingerprint(block('contains(fingerprints, :fingerprint)')), variables);
    const pages = await runBlock(dynamo.client(), block('batch-get-item'), variables);
    const denials = denialsOfPages(pages.Responses[variables.TABLE!]).filter((denial) => denial.fingerprint === fingerprint);
    expect([...distinctById(denials).keys()].sort()).toEqual(expected);
    const partiql = await runBlock(dynamo.client(), withFingerprint(block("contains(fingerprints, 'FINGERPRINT')")), variables);
    expect(partiql.Items.length).toBeGreaterThan(0);
  });
});

describe('export to S3 and Athena', () => {
  it("a dump shaped as DynamoDB's export (gzip, one {\"Item\": …} a line) yields the 51 denials the Athena query lists", async () => {
    // The export writes DynamoDB JSON: each attribute typed, binary as base64.
    const lines: string[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.client().send(new ScanCommand({ TableName: variables.TABLE, ExclusiveStartKey }));
      for (const item of page.Items ?? []) lines.push(JSON.stringify({ Item: item }, (_key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const dataDir = join(work, 'AWSDynamoDB', '01234567890123-abcdef12', 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'a1b2c3.json.gz'), gzipSync(lines.slice(0, lines.length >> 1).join('\n')));
    writeFileSync(join(dataDir, 'd4e5f6.json.gz'), gzipSync(lines.slice(lines.length >> 1).join('\n')));
    const rows = denialsOfExportDirectory(dataDir);
    expect(rows).toHaveLength(51);
    expect(new Set(rows.map((row) => row.eventId)).size).toBe(51);
    for (const row of rows) {
      const truth = sampleDenials.find((denial) => denial.eventId === row.eventId)!;
      expect(row.action).toBe(truth.action);
      expect(row.principalArn).toBe(truth.principalArn);
      expect(row.accountId).toBe(truth.accountId);
    }
  });

  it("the page's Athena table and query name exactly the reader's columns, each as the export types it", () => {
    const [ddl, query] = sqlBlocks();
    expect(ddl).toMatch(/ROW FORMAT SERDE 'org\.openx\.data\.jsonserde\.JsonSerDe'/);
    const selected = [...query!.matchAll(/AS (\w+)/g)].map((match) => match[1]).filter((name) => name !== 't');
    expect(selected).toEqual([...EXPORT_COLUMNS]);
    for (const column of EXPORT_COLUMNS) {
      if (column === 'eventId' || column === 'eventTime') expect(query).toContain(`d.M.${column}.S AS ${column}`);
      else if (column === 'principalArn') expect(query).toContain('Item.principalArn.S AS principalArn');
      else expect(query).toContain(`COALESCE(d.M.${column}.S, Item.${column}.S) AS ${column}`);
      expect(ddl).toContain(`${column}: struct<S: string>`);
    }
  });
});
