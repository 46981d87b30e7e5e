/**
 * `replay --in-memory` (the in-process store) and a replay into DynamoDB Local give the same alerts and totals over
 * the same records: the whole pipeline, changes and triage included, on both adapters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { jsonLines, replayCaptured } from '../support/replay.js';

const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'contract-replay-'));

/** An alert without what depends on when it was computed. */
const verdict = (alert: Record<string, unknown>) => ({ alertId: alert.alertId, fingerprint: alert.fingerprint, reason: alert.reason, count: alert.count, triage: alert.triage, changes: alert.changes });

describe('replay on both stores', () => {
  it('alerts and counts the same in process as on DynamoDB Local', async () => {
    const inProcess = await replayCaptured(['--json', '--no-progress', '--in-memory', '--dead-letter', join(work, 'a.jsonl'), STRATUS_ALL_EVENTS]);
    const onTable = await replayCaptured(['--json', '--no-progress', '--endpoint', dynamo.emulator().endpoint, '--table', 'contract-replay', '--dead-letter', join(work, 'b.jsonl'), STRATUS_ALL_EVENTS]);
    expect(inProcess.status).toBe(0);
    expect(onTable.status).toBe(0);
    const alerts = (run: typeof inProcess) => jsonLines(run.stdout).filter((line) => line.type === 'alert').map(verdict);
    expect(alerts(inProcess).length).toBeGreaterThan(0);
    expect(alerts(inProcess)).toEqual(alerts(onTable));
    const totals = (run: typeof inProcess) => {
      const { seconds: _seconds, dynamodbRequests: _requests, ...rest } = jsonLines(run.stdout).find((line) => line.type === 'summary')!;
      return rest;
    };
    expect(totals(inProcess)).toEqual(totals(onTable));
  }, 120_000);
});
