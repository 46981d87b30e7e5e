/**
 * The two implementations of the engine's store ports, behind one face, so that a contract case runs on both:
 * DynamoDB Local (the real adapter over a real client, faults injected in the SDK's middleware) and the in-process
 * store (faults injected at the same steps). `contents()` reads back what is stored: a scan of the table, or the
 * in-process store's own view of the same facts.
 */
import { DynamoDbChangeStore } from '../../lambdas/adapters/dynamodb-change-store.js';
import { MemoryChangeStore } from '../../lambdas/adapters/memory/memory-change-store.js';
import { MemoryDenialStore, type MemoryStoreContents } from '../../lambdas/adapters/memory/memory-denial-store.js';
import type { ChangeStore } from '../../lambdas/core/changes/change-store.js';
import type { DenialStore } from '../../lambdas/engine/denial-store.js';
import { useDynamoDbLocal, type FaultPlan } from '../support/dynamodb.js';
import { alertsIn, countsByKey, scanTable } from '../engine/support.js';

/** One fresh store of an adapter, with its fault controls. */
export interface StoreUnderTest {
  store: DenialStore;
  changes: ChangeStore;
  /** What is stored now. */
  contents(): Promise<MemoryStoreContents>;
  /** Requests sent so far, and their commands (while a plan was set). */
  requests(): number;
  commands(): string[];
  setPlan(plan: FaultPlan | null): void;
}

/** An adapter: makes fresh, isolated stores. */
export interface StoreAdapter {
  name: string;
  newStore(plan?: FaultPlan | null): Promise<StoreUnderTest>;
}

/** The in-process adapter. */
export const memoryAdapter: StoreAdapter = {
  name: 'in-process',
  async newStore(plan = null) {
    // The denial store and the change store share one request count and plan, as the two DynamoDB adapters share
    // one client in the harness.
    const store = new MemoryDenialStore({ faults: plan ? (request) => plan({ ...request, input: {} }) : null });
    const changes = new MemoryChangeStore({ gate: store.gate });
    return {
      store,
      changes,
      contents: async () => store.contents(),
      requests: () => store.gate.requests,
      commands: () => store.gate.commands(),
      setPlan: (next) => store.gate.setPlan(next ? (request) => next({ ...request, input: {} }) : null),
    };
  },
};

/**
 * Both adapters, for `describe.each`, and the DynamoDB Local they share (for cases about the table layout itself); call at a test file's top level (DynamoDB Local starts once for the file, and
 * only when a DynamoDB case runs).
 */
export function storeAdapters(): { adapters: StoreAdapter[]; dynamo: ReturnType<typeof useDynamoDbLocal> } {
  const dynamo = useDynamoDbLocal();
  const dynamoAdapter: StoreAdapter = {
    name: 'DynamoDB Local',
    async newStore(plan = null) {
      const faulty = dynamo.faultyClient(plan);
      const { tableName, store } = await dynamo.newTable(faulty.client);
      return {
        store,
        changes: new DynamoDbChangeStore({ tableName, client: faulty.client, sleep: async () => undefined }),
        async contents() {
          const items = await scanTable(dynamo.client(), tableName);
          return {
            counts: countsByKey(items),
            alerts: alertsIn(items),
            outboxMarkers: items.filter((item) => item.pk === 'OUTBOX').length,
          };
        },
        requests: () => faulty.requests(),
        commands: () => faulty.commands(),
        setPlan: (next) => faulty.setPlan(next),
      };
    },
  };
  return { adapters: [dynamoAdapter, memoryAdapter], dynamo };
}

/** Counts of the fingerprint counters only (`FP#…`), sorted by key. */
export function fingerprintCounts(contents: MemoryStoreContents): Record<string, number> {
  return Object.fromEntries([...contents.counts].filter(([key]) => key.startsWith('FP#')).sort());
}
