import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbDenialStore } from '../../lambdas/adapters/dynamodb-denial-store.js';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '../../lambdas/adapters/dynamodb-local.js';

/**
 * Decides, for each request a client sends, whether it fails instead of reaching DynamoDB Local. `index` counts the
 * requests of that client from 0; `command` is the SDK command name (`UpdateItemCommand`, `BatchWriteItemCommand`, …).
 */
export type FaultPlan = (request: { index: number; command: string; input: Record<string, unknown> }) => Error | null;

/** A real client to the same DynamoDB Local whose requests fail as `plan` says (the request never reaches the table). */
export interface FaultyClient {
  client: DynamoDBClient;
  /** Requests seen so far (failed ones included). */
  requests(): number;
  /** Commands seen so far, in order. */
  commands(): string[];
  setPlan(plan: FaultPlan | null): void;
}

/** Starts DynamoDB Local (real, on loopback) for the test file; each `newTable()` is a fresh, isolated table. */
export function useDynamoDbLocal(): {
  emulator: () => DynamoDbLocal;
  client: () => DynamoDBClient;
  newTable: (client?: DynamoDBClient) => Promise<{ tableName: string; store: DynamoDbDenialStore }>;
  faultyClient: (plan?: FaultPlan | null) => FaultyClient;
} {
  let emulator: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  const extraClients: DynamoDBClient[] = [];
  beforeAll(async () => {
    emulator = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    for (const extra of extraClients) extra.destroy();
    await emulator?.stop();
  });
  return {
    emulator: () => emulator!,
    client: () => client!,
    async newTable(storeClient?: DynamoDBClient) {
      const tableName = `t-${randomUUID()}`;
      await ensureTable(client!, tableName);
      return { tableName, store: new DynamoDbDenialStore({ tableName, client: storeClient ?? client!, sleep: async () => undefined }) };
    },
    faultyClient(initial = null) {
      let plan: FaultPlan | null = initial;
      let index = 0;
      const seen: string[] = [];
      // maxAttempts 1: a fault is what the store sees, not something the SDK retries away.
      const faulty = new DynamoDBClient({ endpoint: emulator!.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      faulty.middlewareStack.add(
        (next, context) => async (args) => {
          const command = String((context as { commandName?: string }).commandName);
          seen.push(command);
          const request = { index: index++, command, input: args.input as Record<string, unknown> };
          const fault = plan ? plan(request) : null;
          if (fault) throw fault;
          return next(args);
        },
        { step: 'initialize', name: 'faultInjection' },
      );
      extraClients.push(faulty);
      return { client: faulty, requests: () => index, commands: () => [...seen], setPlan: (next) => void (plan = next) };
    },
  };
}

/** An error as DynamoDB's throttling looks to the SDK's callers. */
export function throttled(): Error {
  const error = new Error('Rate of requests exceeds the allowed throughput (injected)');
  error.name = 'ProvisionedThroughputExceededException';
  return error;
}

/** An error as a connection refused by a stopped table looks. */
export function connectionRefused(): Error {
  const error = new Error('connect ECONNREFUSED 127.0.0.1 (injected: the table stopped)');
  (error as { code?: string }).code = 'ECONNREFUSED';
  return error;
}

/**
 * The size DynamoDB bills an item at: attribute names plus values (strings and binaries by length, numbers about
 * half their digits, sets and maps by their elements). Close enough to compare with the 400 KB limit.
 */
export function itemSizeBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueSize(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object') return 3 + itemSizeBytes(value as Record<string, unknown>) + Object.keys(value).length;
  return 0;
}
