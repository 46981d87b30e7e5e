import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import { DAY_MS } from '../../lambdas/core/triage/history.js';
import type { Denial } from '../../lambdas/core/types.js';
import type { DenialStore, HistoryEntry } from '../../lambdas/engine/denial-store.js';
import { createTriageEnricher } from '../../lambdas/engine/enrichers/triage.js';
import { ec2GetPasswordDataWindow } from '../render/alerts.js';
import { readJsonl } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

const dynamo = useDynamoDbLocal();

/** The real Stratus record (GetPasswordData), classified. */
const sample = classify(readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventID === '450230d4-b39e-4a18-a6a0-d07a6e2105cb')!);
const WINDOW_START = Date.parse(ec2GetPasswordDataWindow.windowStart);
/** The alert as the engine decides it, triage not yet set, for the sample's principal and account. */
const alert: AlertSummary = { ...ec2GetPasswordDataWindow, principalArn: sample.principalArn, accountId: sample.accountId, triage: undefined };
const NOW = WINDOW_START + 5 * 60_000;

/** A stored denial of the sample's shape, `daysBefore` the window, from `sourceIp`. */
function earlier(daysBefore: number, index: number, overrides: Partial<Denial> = {}): HistoryEntry {
  const timeMs = WINDOW_START - daysBefore * DAY_MS;
  const eventId = `earlier-${daysBefore}-${index}-${overrides.principalArn ?? 'same'}`;
  return { denial: { ...sample, ...overrides, eventId, eventTime: new Date(timeMs).toISOString() }, timeMs, suppressedBy: null };
}

async function storeWith(entries: HistoryEntry[]): Promise<DenialStore> {
  const { store } = await dynamo.newTable();
  if (entries.length > 0) await store.putHistory(entries, Math.floor(NOW / 1000) + 90 * 86_400);
  return store;
}

describe('triage enricher over a real table (DynamoDB Local)', () => {
  it('a fresh table: history signals stay silent and the alert says why; the other signals still fire', async () => {
    const enrich = createTriageEnricher({ store: await storeWith([]) });
    const triaged = await enrich(alert, { sample, nowMs: NOW });
    expect(triaged.triage).toMatchObject({ severity: 'critical', investigateFirst: true });
    expect(triaged.triage!.signals.map((signal) => signal.id)).toEqual(['offensive-tool', 'sensitive-action']);
    expect(triaged.triage!.historyNote).toBe("New-source signals wait for 7 days of this account's history (the table holds no earlier denials).");
  });

  it('a principal known for 20 days from other addresses: the window IP is new', async () => {
    const store = await storeWith([20, 12, 3].map((days, index) => earlier(days, index, { sourceIp: '198.51.100.7', userAgent: sample.userAgent })));
    const triaged = await createTriageEnricher({ store })(alert, { sample, nowMs: NOW });
    expect(triaged.triage!.signals).toContainEqual({ id: 'new-source-ip', severity: 'medium', reason: 'Source IP 200.249.253.51 never seen for this principal in 30 days of history.' });
    expect(triaged.triage!.signals.map((signal) => signal.id)).not.toContain('new-user-agent');
    expect(triaged.triage!.historyNote).toBeUndefined();
  });

  it('the same principal, same address before: no new-source signal', async () => {
    const store = await storeWith([20, 2].map((days, index) => earlier(days, index, { sourceIp: '200.249.253.51', userAgent: sample.userAgent })));
    const triaged = await createTriageEnricher({ store })(alert, { sample, nowMs: NOW });
    expect(triaged.triage!.signals.map((signal) => signal.id)).toEqual(['offensive-tool', 'sensitive-action']);
  });

  it('an account with 10 days of history that never saw this principal: new principal', async () => {
    const other = 'arn:aws:iam::457448411975:role/ci-deployer';
    const store = await storeWith([earlier(10, 0, { principalArn: other, fingerprint: 'other' })]);
    const triaged = await createTriageEnricher({ store })(alert, { sample, nowMs: NOW });
    expect(triaged.triage!.signals).toContainEqual({ id: 'new-principal', severity: 'medium', reason: "First denial of this principal in the account's 30 days of history." });
  });

  it('history that cannot be read: the alert is triaged without it, and says so', async () => {
    const errors: unknown[] = [];
    const broken: Pick<DenialStore, 'queryHistory'> = { queryHistory: () => Promise.reject(new Error('table gone')) };
    const triaged = await createTriageEnricher({ store: broken, onHistoryError: (error) => errors.push(error) })(alert, { sample, nowMs: NOW });
    expect(triaged.triage).toMatchObject({ severity: 'critical', historyNote: 'History could not be read: new-source and new-principal signals are off for this alert.' });
    expect(errors).toHaveLength(1);
  });
});
