/**
 * The engine with the "what changed" observer and enricher in its `observers` and `enrichers`, on a fresh DynamoDB
 * Local table.
 */
import type { AlertSummary } from '../../../lambdas/core/alert.js';
import { resolveSettings, type Settings } from '../../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../../lambdas/core/types.js';
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
  const engine = createSpikeEngine({
    store,
    settings,
    now: () => NOW,
    observers: [createChangeObserver({ store: changeStore, retentionDays: settings.historyDays })],
    enrichers: [createChangeEnricher({ store: changeStore, lookbackHours: settings.changeLookbackHours })],
    log: (level, message, details) => {
      // An observer or enricher that fails is logged and skipped by the engine: in these tests it is a failure.
      if (level !== 'info') throw new Error(`engine ${level}: ${message} ${JSON.stringify(details ?? {})}`);
    },
  });
  async function run(records: readonly CloudTrailRecord[], batchSize = 500): Promise<AlertSummary[]> {
    const alerts: AlertSummary[] = [];
    for (let start = 0; start < records.length; start += batchSize) {
      alerts.push(...(await engine.processBatch(records.slice(start, start + batchSize))).alerts);
    }
    return alerts;
  }
  return { run, changeStore, tableName, settings };
}
