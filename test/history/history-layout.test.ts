/**
 * The readable history layout: what a page holds and how big it can get, hard input stored and found exactly as
 * recorded, and an upgrade from the gzip layout that loses nothing.
 */
import { CreateTableCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDbDenialStore } from '../../lambdas/adapters/dynamodb-denial-store.js';
import { ensureTable } from '../../lambdas/adapters/dynamodb-local.js';
import { HISTORY_FIELDS, historyPagesOf, historyRecordOf, MAX_FIELD_CHARS, recordsOfPage } from '../../lambdas/adapters/history-item.js';
import { classify } from '../../lambdas/core/classify.js';
import type { Denial } from '../../lambdas/core/types.js';
import type { HistoryEntry } from '../../lambdas/engine/denial-store.js';
import { runCli } from '../cli/run-cli.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticDenial } from '../support/records.js';
import { legacyHistoryItemsOf } from './legacy-layout.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { DAY_MS } from '../../lambdas/core/triage/history.js';
import { createTriageEnricher } from '../../lambdas/engine/enrichers/triage.js';
import { ec2GetPasswordDataWindow } from '../render/alerts.js';
import { readJsonl } from '../support/corpus.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-03-04T10:00:00Z');
const NOW = T0 + 3_600_000;
/** Far ahead of both the tests' clock and the CLI's real one (history hides expired denials). */
const EXPIRES = Math.floor(Date.now() / 1000) + 30 * 86_400;
let sequence = 0;

/** A stored denial: a synthetic S3 denial, classified, with fields replaced. */
function entry(timeMs: number, overrides: Partial<Denial> = {}): HistoryEntry {
  const denial = { ...classify(syntheticDenial({ time: timeMs, eventID: `evt-${String(++sequence).padStart(6, '0')}` })), ...overrides };
  return { denial: denial as HistoryEntry['denial'], timeMs, suppressedBy: null };
}

/** An item's size as DynamoDB counts it (developer guide, "DynamoDB item sizes and formats"). */
function itemBytes(item: Record<string, unknown>): number {
  const valueBytes = (value: unknown): number => {
    if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
    if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
    if (typeof value === 'boolean' || value === null) return 1;
    if (value instanceof Uint8Array) return value.length;
    if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueBytes(element), 0);
    if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
    if (typeof value === 'object') return 3 + Object.entries(value as object).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueBytes(element), 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + (value === undefined ? 0 : valueBytes(value)), 0);
}

/** Writes items as they are (the old version's pages). */
const writeLegacy = (tableName: string, items: Array<Record<string, unknown>>) =>
  DynamoDBDocumentClient.from(dynamo.client()).send(new BatchWriteCommand({ RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));

const queryPk = async (tableName: string, pk: string) =>
  (await dynamo.client().send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }))).Items ?? [];

describe('a history page', () => {
  it('reads back exactly the flat record of every denial (shared values on the page, the rest in each map or in extras)', () => {
    const entries = [
      entry(T0, { sessionName: 'job-1', sourceIp: '198.51.100.1' }),
      entry(T0 + 1_000, { sessionName: 'job-2', sourceIp: '198.51.100.1' }),
      { ...entry(T0 + 2_000, { sessionName: 'job-2', sourceIp: '198.51.100.1' }), suppressedBy: 'console-page-load' },
    ];
    const [page, ...others] = historyPagesOf(entries, EXPIRES);
    expect(others).toHaveLength(0);
    const item = page!.item;
    // Shared: once on the page; differing: in each denial's map.
    expect(item.sourceIp).toBe('198.51.100.1');
    expect(item.action).toBe('s3:PutObject');
    expect(item.sessionName).toBeUndefined();
    expect(item.denials.map((denial) => denial.sessionName)).toEqual(['job-1', 'job-2', 'job-2']);
    expect(item.denials.map((denial) => denial.suppressedBy)).toEqual([undefined, undefined, 'console-page-load']);
    expect(item.pk).toBe('H#arn:aws:iam::111122223333:role/ci-deployer');
    const expected = entries.map((one) => {
      const record: Record<string, unknown> = historyRecordOf(one, EXPIRES);
      for (const field of HISTORY_FIELDS) if (!(field in record)) record[field] = null;
      return record;
    });
    const byId = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    expect(byId(recordsOfPage(item as unknown as Record<string, unknown>))).toEqual(byId(expected));
  });

  it('a storm of identical denials costs little more than ids and times; every page far below 400 KB, also of poison', () => {
    const storm = Array.from({ length: 1_000 }, (_, index) => entry(T0 + index * 500));
    const stormPages = historyPagesOf(storm, EXPIRES);
    const stormBytes = stormPages.reduce((sum, page) => sum + itemBytes(page.item as unknown as Record<string, unknown>), 0);
    expect(stormBytes / storm.length).toBeLessThan(150);
    // Poison: every field at its cut length and different in each denial (nothing shared, nothing compresses).
    const noise = (index: number) => createHash('sha512').update(String(index)).digest('hex').repeat(40).slice(0, 5_000);
    const poison = Array.from({ length: 400 }, (_, index) =>
      entry(T0 + index, {
        action: `s3:${noise(index)}`,
        resource: noise(index + 1e6),
        sessionName: noise(index + 2e6),
        errorMessage: noise(index + 3e6),
        userAgent: noise(index + 4e6),
        fingerprint: noise(index + 5e6),
        accountId: noise(index + 6e6),
      }),
    );
    const pages = historyPagesOf(poison, EXPIRES);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((page) => page.eventIds)).toHaveLength(400);
    for (const page of [...pages, ...stormPages]) expect(itemBytes(page.item as unknown as Record<string, unknown>)).toBeLessThan(200 * 1024);
    expect(pages[0]!.item.denials[0]!.resource).toHaveLength(MAX_FIELD_CHARS + `…[cut ${5_000 - MAX_FIELD_CHARS} chars]`.length);
  });
});

describe('hard input, stored and found exactly as recorded', () => {
  const PATHED = 'arn:aws:iam::111122223333:role/team/ci/deployer';
  const nearLimit = `arn:aws:iam::111122223333:role/${'p/'.repeat(1_000)}r`; // 2,033 bytes: H# + ARN fits 2,048
  const overLimit = `arn:aws:iam::111122223333:role/${'p/'.repeat(1_040)}r`; // 2,113 bytes: hashed

  it('a role with a path, a unicode session, an action in unusual case, ARNs at and past the key limit', async () => {
    const { tableName, store } = await dynamo.newTable();
    expect(Buffer.byteLength(`H#${nearLimit}`)).toBeLessThanOrEqual(2_048);
    expect(Buffer.byteLength(`H#${overLimit}`)).toBeGreaterThan(2_048);
    await store.putHistory(
      [
        entry(T0, { principalArn: PATHED, sessionName: 'séance-日本-🚀', action: 'S3:getOBJECT' }),
        entry(T0 + 1_000, { principalArn: nearLimit }),
        entry(T0 + 2_000, { principalArn: overLimit }),
      ],
      EXPIRES,
    );
    const [pathed] = await queryPk(tableName, `H#${PATHED}`);
    expect(pathed!.principalArn!.S).toBe(PATHED);
    expect(pathed!.sessionName!.S).toBe('séance-日本-🚀');
    expect(pathed!.action!.S).toBe('S3:getOBJECT');
    expect(await queryPk(tableName, `H#${nearLimit}`)).toHaveLength(1);
    // docs/history-table.md, "Long ARNs": H#sha256: and the hex SHA-256 of the ARN.
    const hashed = await queryPk(tableName, `H#sha256:${createHash('sha256').update(overLimit).digest('hex')}`);
    expect(hashed).toHaveLength(1);
    for (const arn of [PATHED, nearLimit, overLimit]) expect(await store.historyOfPrincipal(arn, null, T0 - 60_000, T0 + 60_000)).toHaveLength(1);
    const byAction = await dynamo.client().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byDay',
        KeyConditionExpression: 'dpk = :day',
        FilterExpression: 'contains(actions, :action)',
        ExpressionAttributeValues: { ':day': { S: 'D#2025-03-04' }, ':action': { S: 'S3:getOBJECT' } },
      }),
    );
    expect(byAction.Items?.map((item) => item.principalArn?.S)).toEqual([PATHED]);
    expect(await store.queryHistory({ action: 'S3:getOBJECT', sinceMs: T0 - 60_000, untilMs: T0 + 60_000, limit: 10 }, NOW)).toHaveLength(1);
  });

  it('history --principal with something that is not an ARN: a usage error naming it', async () => {
    const result = await runCli(['history', '--endpoint', 'http://127.0.0.1:9', '--table', 'none', '--principal', 'deploy-role']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--principal "deploy-role" is not an ARN/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('upgrade from the gzip layout', () => {
  it('a table written by the old version, then by the new one: history answers both and says so; the doc queries answer the new', async () => {
    const tableName = `old-${Date.now()}`;
    // The table as the previous version created it: only the byTime index.
    await dynamo.client().send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'tpk', 'tsk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byTime',
            KeySchema: [
              { AttributeName: 'tpk', KeyType: 'HASH' },
              { AttributeName: 'tsk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
    const old = [entry(T0), entry(T0 + 60_000)];
    await writeLegacy(tableName, legacyHistoryItemsOf(old, EXPIRES));
    await ensureTable(dynamo.client(), tableName); // what the new version does on start: adds byDay
    const notices: string[] = [];
    const store = new DynamoDbDenialStore({ tableName, client: dynamo.client(), onLegacyPages: (message) => notices.push(message) });
    const fresh = [entry(T0 + 120_000), entry(T0 + 180_000)];
    await store.putHistory(fresh, EXPIRES);
    const all = [...old, ...fresh].map((one) => one.denial.eventId).sort();
    const range = { sinceMs: T0 - 60_000, untilMs: T0 + 600_000, limit: 100 };
    const role = 'arn:aws:iam::111122223333:role/ci-deployer';
    expect((await store.queryHistory({ ...range, principalArn: role }, NOW)).map((record) => record.eventId).sort()).toEqual(all);
    expect((await store.queryHistory({ ...range, action: 's3:PutObject' }, NOW)).map((record) => record.eventId).sort()).toEqual(all);
    expect((await store.queryHistory(range, NOW)).map((record) => record.eventId).sort()).toEqual(all);
    expect((await store.historyOfPrincipal(role, null, range.sinceMs, range.untilMs)).map((record) => record.eventId).sort()).toEqual(all);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/previous layout/);
    expect(store.legacyPagesRead).toBeGreaterThan(0);
    // The doc's query by ARN: the pages written after the upgrade, readable.
    const items = await queryPk(tableName, `H#${role}`);
    expect(items.flatMap((item) => (item.denials?.L ?? []).map((denial: AttributeValue) => denial.M!.eventId!.S)).sort()).toEqual(fresh.map((one) => one.denial.eventId).sort());
    // The CLI reads both and says it met old pages.
    const work = mkdtempSync(join(tmpdir(), 'history-upgrade-'));
    const result = await runCli(['history', '--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--since', '2025-03-04T09:00:00Z', '--until', '2025-03-04T11:00:00Z'], {
      env: { HOME: work },
    });
    expect(result.status).toBe(0);
    expect(result.lines().map((line) => line.eventId).sort()).toEqual(all);
    expect(result.stderr).toMatch(/note: history holds pages of the previous layout/);
  });
});

describe('triage over old pages', () => {
  it('reads a principal known only from gzip pages (a new source IP is seen as new) and says it met them', async () => {
    const sample = classify(readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventID === '450230d4-b39e-4a18-a6a0-d07a6e2105cb')!);
    const windowStart = Date.parse(ec2GetPasswordDataWindow.windowStart);
    const alert: AlertSummary = { ...ec2GetPasswordDataWindow, principalArn: sample.principalArn, accountId: sample.accountId, triage: undefined };
    const known = [20, 12, 3].map((days, index): HistoryEntry => {
      const timeMs = windowStart - days * DAY_MS;
      return { denial: { ...sample, sourceIp: '198.51.100.7', eventId: `old-${index}`, eventTime: new Date(timeMs).toISOString() } as HistoryEntry['denial'], timeMs, suppressedBy: null };
    });
    const { tableName } = await dynamo.newTable();
    await writeLegacy(tableName, legacyHistoryItemsOf(known, EXPIRES));
    const notices: string[] = [];
    const store = new DynamoDbDenialStore({ tableName, client: dynamo.client(), onLegacyPages: (message) => notices.push(message) });
    const triaged = await createTriageEnricher({ store })(alert, { sample, nowMs: windowStart + 300_000 });
    expect(triaged.triage!.signals.map((signal) => signal.id)).toContain('new-source-ip');
    expect(triaged.triage!.historyNote).toBeUndefined();
    expect(notices).toEqual([expect.stringMatching(/previous layout/)]);
  });
});
