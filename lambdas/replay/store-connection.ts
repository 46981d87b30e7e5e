/**
 * Connects the CLI to a table: the embedded DynamoDB Local (default), a local endpoint, or a real table in AWS.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { DynamoDbDenialStore } from '../adapters/dynamodb-denial-store.js';
import type { DynamoDbLocal } from '../adapters/dynamodb-local.js';
import { startWatched } from './child-cleanup.js';

/** Where the data lives, from flags and environment. */
export interface StoreTarget {
  table?: string;
  endpoint?: string;
  region?: string;
  dataDir?: string;
  inMemory?: boolean;
  /** Empty the embedded emulator's data directory first (a demo that starts over each time). */
  fresh?: boolean;
}

export const DEFAULT_TABLE = 'denial-alerter';
export const DEFAULT_DATA_DIR = '.denial-alerter/dynamodb';

/** The shared CLI options that choose the table. */
export const STORE_OPTIONS = {
  table: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'data-dir': { type: 'string' },
  'in-memory': { type: 'boolean', default: false },
} as const;

export const STORE_HELP = `Where data is kept (default: an embedded DynamoDB Local started and stopped by the command, its data
in ${DEFAULT_DATA_DIR} so that "history" and later replays see it):
  --data-dir DIR        keep the embedded emulator's data here
  --in-memory           held in this process, no DynamoDB Local (a throwaway run: nothing is kept; the
                        same behaviour as a table, checked by test/contract/)
  --endpoint URL        a DynamoDB-compatible endpoint (e.g. http://127.0.0.1:8000); the table is created if missing
                        (env: AWS_ENDPOINT_URL_DYNAMODB)
  --table NAME          table name (env: DENIAL_ALERTER_TABLE; default ${DEFAULT_TABLE}); with no endpoint, a real
                        table in AWS, reached with the standard AWS environment (AWS_PROFILE, AWS_REGION, ...)
  --region REGION       AWS Region (env: AWS_REGION)`;

/** A connected store and how to let it go. */
export interface StoreConnection {
  store: DynamoDbDenialStore;
  /** The client and table behind the store (for the CLI's own read-only summaries). */
  client: DynamoDBClient;
  tableName: string;
  description: string;
  emulator: DynamoDbLocal | null;
  /** The embedded emulator's data directory (null: a table elsewhere, or in memory). */
  dataDir: string | null;
  close(): Promise<void>;
}

/** Reads the target from parsed flags and the environment. */
export function storeTargetOf(values: Record<string, unknown>, env: NodeJS.ProcessEnv): StoreTarget {
  return {
    table: (values.table as string | undefined) ?? env.DENIAL_ALERTER_TABLE,
    endpoint: (values.endpoint as string | undefined) ?? env.AWS_ENDPOINT_URL_DYNAMODB,
    region: (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    dataDir: values['data-dir'] as string | undefined,
    inMemory: Boolean(values['in-memory']),
  };
}

/** The one line said before Java starts: why it is needed and how to do without it. */
export const JAVA_NOTICE =
  'Starting DynamoDB Local (Java) to hold denials and alert state; --endpoint URL or --table NAME use an existing table instead';

/** Says how to query what a replay kept in the embedded emulator's data directory. */
export function historyHint(dataDir: string): string {
  const shown = relative(process.cwd(), dataDir) || '.';
  const flag = dataDir === resolve(DEFAULT_DATA_DIR) ? '' : ` --data-dir ${/^[\w./-]+$/.test(shown) ? shown : JSON.stringify(shown)}`;
  return `Kept in ${shown}: "npx denial-alerter history${flag}" lists these denials`;
}

/** The embedded emulator's data directory for this target, or null (a table elsewhere, or in memory). */
export function embeddedDataDir(target: StoreTarget): string | null {
  return needsEmbeddedEmulator(target) && !target.inMemory ? resolve(target.dataDir ?? DEFAULT_DATA_DIR) : null;
}

/** True when the target needs the embedded emulator (and so Java). */
export function needsEmbeddedEmulator(target: StoreTarget): boolean {
  return !target.endpoint && !target.table;
}

/**
 * Opens the store the target names, starting the embedded emulator when no table or endpoint is given (after
 * `announce`-ing why). The emulator is stopped by `close()`, or killed if the process ends or is signalled first.
 */
export async function connectStore(target: StoreTarget, announce: (line: string) => void = () => {}): Promise<StoreConnection> {
  // The AWS SDK is loaded only here (~0.2 s to import), so that commands and flags that never reach a table skip it.
  const [{ DynamoDBClient }, { DynamoDbDenialStore }, { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../adapters/dynamodb-denial-store.js'),
    import('../adapters/dynamodb-local.js'),
  ]);
  const tableName = target.table ?? DEFAULT_TABLE;
  if (target.endpoint || target.table) {
    const client = new DynamoDBClient({
      endpoint: target.endpoint,
      region: target.region ?? 'us-east-1',
      ...(target.endpoint && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE ? { credentials: LOCAL_CREDENTIALS } : {}),
    });
    if (target.endpoint) await ensureTable(client, tableName);
    return {
      store: new DynamoDbDenialStore({ tableName, client }),
      client,
      tableName,
      description: target.endpoint ? `table ${tableName} at ${target.endpoint}` : `table ${tableName} in AWS`,
      emulator: null,
      dataDir: null,
      async close() {
        client.destroy();
      },
    };
  }
  let dbPath: string | undefined;
  if (!target.inMemory) {
    dbPath = resolve(target.dataDir ?? DEFAULT_DATA_DIR);
    if (target.fresh) rmSync(dbPath, { recursive: true, force: true });
    mkdirSync(dbPath, { recursive: true });
  }
  announce(JAVA_NOTICE);
  const { started: emulator, forget } = await startWatched(() => startDynamoDbLocal({ dbPath }));
  const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    await ensureTable(client, tableName);
  } catch (error) {
    await emulator.stop();
    forget();
    throw error;
  }
  return {
    store: new DynamoDbDenialStore({ tableName, client }),
    client,
    tableName,
    description: `embedded DynamoDB Local (${dbPath ? `data in ${dbPath}` : 'in memory'})`,
    emulator,
    dataDir: dbPath ?? null,
    async close() {
      client.destroy();
      await emulator.stop();
      forget();
    },
  };
}
