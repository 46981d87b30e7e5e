import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbDenialStore } from '../../lambdas/adapters/dynamodb-denial-store.js';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '../../lambdas/adapters/dynamodb-local.js';

/** Starts DynamoDB Local (real, on loopback) for the test file; each `newTable()` is a fresh, isolated table. */
export function useDynamoDbLocal(): {
  emulator: () => DynamoDbLocal;
  client: () => DynamoDBClient;
  newTable: () => Promise<{ tableName: string; store: DynamoDbDenialStore }>;
} {
  let emulator: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    emulator = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });
  return {
    emulator: () => emulator!,
    client: () => client!,
    async newTable() {
      const tableName = `t-${randomUUID()}`;
      await ensureTable(client!, tableName);
      return { tableName, store: new DynamoDbDenialStore({ tableName, client: client! }) };
    },
  };
}
