import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHistory } from '../../lambdas/cli/main.js';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst } from '../support/records.js';
import { startCuttableProxy } from '../support/tcp-proxy.js';
import { startHttpServer } from '../support/http-server.js';
import { replayCaptured, runCaptured } from '../support/replay.js';

const dynamo = useDynamoDbLocal();
const workDir = mkdtempSync(join(tmpdir(), 'denial-replay-'));

async function replay(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await replayCaptured(args, env);
  return { ...run, lines: () => run.stdout.trim().split('\n').map((line) => JSON.parse(line)) };
}

describe('denial-alerter replay', () => {
  it('replaying the stratus timeline twice alerts the first time and never the second', async () => {
    const { tableName } = await dynamo.newTable();
    const args = ['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'dl1.jsonl'), STRATUS_ALL_EVENTS];
    const first = await replay(args);
    expect(first.status).toBe(0);
    const firstLines = first.lines();
    const alerts = firstLines.filter((line) => line.type === 'alert');
    // The detonations that blind a trail (real, successful DeleteTrail, PutEventSelectors and StopLogging) alert at once.
    expect(alerts.filter((alert) => alert.reason === 'blinding').map((alert) => alert.action)).toEqual(['cloudtrail:DeleteTrail', 'cloudtrail:PutEventSelectors', 'cloudtrail:StopLogging']);
    const spikes = alerts.filter((alert) => alert.reason !== 'blinding');
    expect(spikes.map((alert) => [alert.reason, alert.action, alert.count])).toEqual([
      ['threshold', 'ec2:GetPasswordData', 29],
      ['threshold', 'ec2:DescribeInstanceAttribute', 14],
    ]);
    for (const key of ['fingerprint', 'principalArn', 'action', 'resource', 'denyLayer', 'count', 'windowStart', 'firstSeen', 'lastSeen', 'reason']) {
      expect(spikes[0]).toHaveProperty(key);
    }
    // Enriched as in the Lambda (triage, with the history signals silent on a fresh table), rendered as JSON.
    expect(spikes[0].triage).toMatchObject({ investigateFirst: true, historyNote: expect.any(String) });
    expect(spikes[0].rendering).toMatchObject({ severity: spikes[0].triage.severity });
    expect(firstLines.at(-1)).toMatchObject({ type: 'summary', records: 310, denials: 51, fingerprints: 8, alerts: 5, suppressed: 0, unreadable: 0 });
    const second = await replay(args);
    const secondLines = second.lines();
    expect(secondLines.filter((line) => line.type === 'alert')).toEqual([]);
    expect(secondLines.at(-1)).toMatchObject({ type: 'summary', records: 310, denials: 51, duplicates: 51, alerts: 0 });
  });

  it('counts, reports and keeps unreadable input, and goes on', async () => {
    const { tableName } = await dynamo.newTable();
    const input = join(workDir, 'mixed.jsonl');
    writeFileSync(input, [...syntheticBurst(3, Date.parse('2025-01-01T00:00:00Z'), 1).map((r) => JSON.stringify(r)), '{broken', '{"hello":1}'].join('\n'));
    const deadLetter = join(workDir, 'dl2.jsonl');
    const result = await replay(['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', deadLetter, input]);
    expect(result.status).toBe(1);
    expect(result.lines().at(-1)).toMatchObject({ records: 3, denials: 3, unreadable: 2 });
    expect(result.stderr).toMatch(/mixed\.jsonl:4: malformed JSON/);
    const kept = readFileSync(deadLetter, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(kept.map((entry) => [entry.reason, entry.line])).toEqual([
      ['unreadable', 4],
      ['unreadable', 5],
    ]);
  });

  it('reports what was not stored when the table stops mid-replay, and a second run completes it', async () => {
    const { tableName } = await dynamo.newTable();
    const input = join(workDir, 'storm.jsonl');
    writeFileSync(input, syntheticBurst(600, Date.parse('2025-01-01T00:00:00Z'), 10).map((r) => JSON.stringify(r)).join('\n'));
    const proxy = await startCuttableProxy(dynamo.emulator().port, 12);
    const deadLetter = join(workDir, 'dl3.jsonl');
    const broken = await replay(['--json', '--batch-size', '100', '--endpoint', `http://127.0.0.1:${proxy.port}`, '--table', tableName, '--dead-letter', deadLetter, input]);
    await proxy.close();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/stopped early/);
    expect(broken.stderr).toMatch(/Run the same replay again/);
    const summary = broken.lines().at(-1);
    expect(summary.notStored).toBeGreaterThan(0);
    const kept = readFileSync(deadLetter, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(kept.length).toBe(summary.notStored);
    expect(kept.every((entry) => entry.reason === 'not-stored' && entry.record.eventID)).toBe(true);

    const resumed = await replay(['--json', '--batch-size', '100', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'dl4.jsonl'), input]);
    expect(resumed.status).toBe(0);
    const done = resumed.lines().at(-1);
    expect(done.denials).toBe(600);
    expect(done.duplicates).toBeGreaterThan(0); // stored before the cut: skipped, not counted twice
    expect(done.duplicates).toBeLessThan(600);
    // The dead-letter file replays as is, also as its own --dead-letter: it is set aside first and read from there.
    const again = await replay(['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', deadLetter, deadLetter]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/Replaying the dead-letter file: read from .*dl3\.\S+\.jsonl; what fails again goes to a new .*dl3\.jsonl/);
    expect(again.lines().at(-1)).toMatchObject({ records: kept.length, unreadable: 0, denials: kept.length });
    const history = await collectHistory(['--json', '--since', '2024-12-31T00:00:00Z', '--until', '2025-01-02T00:00:00Z', '--limit', '1000', '--endpoint', dynamo.emulator().endpoint, '--table', tableName]);
    expect(history).toHaveLength(600);
  });

  it('never reads the dead-letter file it is writing, even inside a directory it replays', async () => {
    const { tableName } = await dynamo.newTable();
    const dir = join(workDir, 'with-own-dead-letter');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-bad.jsonl'), `{broken\n${JSON.stringify(syntheticBurst(1, Date.parse('2025-01-01T00:00:00Z'), 1)[0])}\n`);
    // Left by an earlier run: read while this run appends to it, it would never end.
    writeFileSync(join(dir, 'b-dead-letter.jsonl'), `${JSON.stringify({ reason: 'unreadable', error: 'malformed JSON', source: 'x', line: 1, raw: '{still broken' })}\n`);
    const result = await replay(['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(dir, 'b-dead-letter.jsonl'), dir]);
    expect(result.lines().at(-1)).toMatchObject({ records: 1, unreadable: 1 });
    expect(result.stderr).toMatch(/b-dead-letter\.jsonl: skipped \(this run writes to it\)/);
  });

  it('--slack-webhook delivers one well-formed Block Kit message per alert to a local server', async () => {
    const { tableName } = await dynamo.newTable();
    const slack = await startHttpServer((_, res) => void res.writeHead(200).end('ok'));
    try {
      const result = await replay(['--json', '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(workDir, 'dl5.jsonl'), '--slack-webhook', `${slack.url}/services/T/B/token`, STRATUS_ALL_EVENTS]);
      expect(result.status).toBe(0);
      expect(slack.requests).toHaveLength(5); // 2 spikes and 3 blinding changes
      for (const request of slack.requests) {
        const body = JSON.parse(request.body);
        expect(typeof body.text).toBe('string');
        expect(body.blocks[0].type).toBe('header');
        expect(body.blocks.length).toBeLessThanOrEqual(50);
      }
      expect(result.stdout + result.stderr).not.toContain('token');
    } finally {
      await slack.close();
    }
  });

  it('rejects bad flags with a clear message and status 2', async () => {
    expect((await replay([])).stderr).toMatch(/missing required argument 'paths'/);
    const bad = await replay(['--threshold', 'many', STRATUS_ALL_EVENTS]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--threshold must be a number/);
  });
});

async function collectHistory(args: string[]) {
  const { status, stdout } = await runCaptured(runHistory, args);
  expect(status).toBe(0);
  return stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}
