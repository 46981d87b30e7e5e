/**
 * The stores a replay writes to: the in-process store for a run that keeps nothing (`--in-memory`: no Java, no
 * requests), otherwise a DynamoDB table (the embedded DynamoDB Local with its data directory, an endpoint, or a table
 * in AWS). Each is loaded only when chosen, so an in-process run never loads the AWS SDK.
 */
import type { ChangeStore } from '../core/changes/change-store.js';
import type { DenialStore } from '../engine/denial-store.js';
import type { CanaryArrivalStore } from '../engine/canary-observer.js';
import type { ResponderStore } from '../engine/responder-store.js';
import type { StoreTarget } from './store-connection.js';

/** The replay's stores and how to let them go. */
export interface ReplayStores {
  store: DenialStore;
  changeStore: ChangeStore & { readonly requestCount: number };
  /** "Replaying into …". */
  description: string;
  /** The embedded emulator's data directory (null: in process, or a table elsewhere). */
  dataDir: string | null;
  /** Slack app threads, snoozes and Expected suppressions (`RSP#` items of the same table, or in process). */
  responders: ResponderStore;
  /** True for a table others write too (`--table`, `--endpoint`): its stored responses are obeyed. */
  sharedTable: boolean;
  /** Where canary arrivals are kept for `status` (a table only: an in-process run keeps nothing). */
  canaries?: CanaryArrivalStore;
  /** Drops what no later decision can read (the in-process stores only); see `MemoryDenialStore.forgetBefore`. */
  forgetBefore?: (counterMinute: number, historyMs: number, changesMs: number) => void;
  close(): Promise<void>;
}

/** True when the target is a throwaway run held in this process. */
export function isInProcess(target: StoreTarget): boolean {
  return Boolean(target.inMemory) && !target.endpoint && !target.table;
}

/** Opens the target's stores (starting the embedded emulator when it is the target, after `announce`-ing why). */
export async function openReplayStores(target: StoreTarget, announce: (line: string) => void): Promise<ReplayStores> {
  if (isInProcess(target)) {
    const [{ MemoryDenialStore }, { MemoryChangeStore }, { MemoryResponderStore }] = await Promise.all([
      import('../adapters/memory/memory-denial-store.js'),
      import('../adapters/memory/memory-change-store.js'),
      import('../adapters/memory/responder-store.js'),
    ]);
    const store = new MemoryDenialStore();
    const changeStore = new MemoryChangeStore();
    return {
      store,
      changeStore,
      description: 'memory (this process; nothing is kept)',
      dataDir: null,
      responders: new MemoryResponderStore(),
      sharedTable: false,
      forgetBefore: (counterMinute, historyMs, changesMs) => {
        store.forgetBefore(counterMinute, historyMs);
        changeStore.forgetBefore(changesMs);
      },
      close: async () => undefined,
    };
  }
  const [{ connectStore }, { DynamoDbDenialStore }, { DynamoDbChangeStore }, { DynamoDbResponderStore }, { DynamoDbCanaryStore }] = await Promise.all([
    import('./store-connection.js'),
    import('../adapters/dynamodb-denial-store.js'),
    import('../adapters/dynamodb-change-store.js'),
    import('../adapters/dynamodb-responder-store.js'),
    import('../adapters/dynamodb-canary-store.js'),
  ]);
  const connection = await connectStore(target, announce);
  // An emulator of this run's own, created empty: counters are buffered and written once per batch.
  const store =
    connection.emulator && !connection.dataDir ? new DynamoDbDenialStore({ tableName: connection.tableName, client: connection.client, soleWriterOfNewTable: true }) : connection.store;
  return {
    store,
    changeStore: new DynamoDbChangeStore({ tableName: connection.tableName, client: connection.client }),
    description: connection.description,
    dataDir: connection.dataDir,
    responders: new DynamoDbResponderStore({ tableName: connection.tableName, client: connection.client }),
    sharedTable: connection.emulator === null,
    canaries: new DynamoDbCanaryStore({ tableName: connection.tableName, client: connection.client }),
    close: () => connection.close(),
  };
}
