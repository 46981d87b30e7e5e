/**
 * The engine with the "what changed" observer and enricher around it, as the engine runs them (observe every record
 * of a batch before deciding; enrich each alert with a denial of its group after), on a fresh DynamoDB Local table.
 */
import type { AlertSummary } from '../../../lambdas/core/alert.js';
import { classify } from '../../../lambdas/core/classify.js';
import { resolveSettings, type Settings } from '../../../lambdas/core/config.js';
import type { CloudTrailRecord, Denial } from '../../../lambdas/core/types.js';
import { DynamoDbChangeStore } from '../../../lambdas/adapters/dynamodb-change-store.js';
import { createChangeObserver } from '../../../lambdas/engine/change-observer.js';
import { createChangeEnricher } from '../../../lambdas/engine/enrichers/changes.js';
import { createSpikeEngine } from '../../../lambdas/engine/spike-engine.js';
import type { useDynamoDbLocal } from '../../support/dynamodb.js';

/** The clock of these tests: after every synthetic event, before any TTL. */
export const NOW = Date.parse('2026-11-30T00:00:00Z');

/** Builds the pipeline on a new table; `run` feeds records in batches of `batchSize`. */
export async function newPipeline(dynamo: ReturnType<typeof useDynamoDbLocal>, overrides: Partial<Settings> = {}) {
  const { store, tableName } = await dynamo.newTable();
  const settings = resolveSettings(overrides);
  const changeStore = new DynamoDbChangeStore({ tableName, client: dynamo.client() });
  const engine = createSpikeEngine({ store, settings, now: () => NOW });
  const observer = createChangeObserver({ store: changeStore, retentionDays: settings.historyDays });
  const enrich = createChangeEnricher({ store: changeStore, lookbackHours: settings.changeLookbackHours });
  async function run(records: readonly CloudTrailRecord[], batchSize = 500): Promise<AlertSummary[]> {
    const alerts: AlertSummary[] = [];
    for (let start = 0; start < records.length; start += batchSize) {
      const batch = records.slice(start, start + batchSize);
      await observer.observe(batch, NOW);
      const result = await engine.processBatch(batch);
      const samples = new Map<string, Denial>();
      for (const record of batch) {
        const denial = classify(record);
        if (denial.denied && denial.fingerprint && !samples.has(denial.fingerprint)) samples.set(denial.fingerprint, denial);
      }
      for (const alert of result.alerts) alerts.push(await enrich(alert, { sample: samples.get(alert.fingerprint)!, nowMs: NOW }));
    }
    return alerts;
  }
  return { run, changeStore, tableName, settings };
}
