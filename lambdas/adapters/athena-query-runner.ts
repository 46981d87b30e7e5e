/**
 * Runs one Athena query to its end: starts it in a workgroup, polls its state and the bytes it scanned, and stops it
 * when the caller aborts (Ctrl-C). Only translates to the Athena API; the SQL comes from `lambdas/core/athena`.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena';

/** What a running query reports on each poll. */
export interface QueryProgress {
  queryExecutionId: string;
  /** `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELLED`. */
  state: string;
  bytesScanned: number;
  /** Athena's own total execution time so far, ms (0 while queued). */
  executionMs: number;
}

/** How a query ended. */
export interface QueryOutcome extends QueryProgress {
  /** Athena's reason when the query failed or was cancelled. */
  reason: string | null;
}

/** Where and how to start a query. */
export interface StartOptions {
  workGroup: string;
  database?: string;
  catalog?: string;
  /** Where Athena writes the query's own result and manifest, when the workgroup does not enforce one. */
  outputLocation?: string;
}

/** A query that did not succeed: carries its id, final state and Athena's reason. */
export class AthenaQueryError extends Error {
  constructor(readonly outcome: QueryOutcome) {
    super(`Athena query ${outcome.queryExecutionId} ${outcome.state}${outcome.reason ? `: ${outcome.reason}` : ''}`);
    this.name = 'AthenaQueryError';
  }
}

const FINAL_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** Starts, watches and stops Athena queries with the caller's client. */
export class AthenaQueryRunner {
  private readonly client: AthenaClient;
  private readonly pollIntervalMs: number;
  private readonly maxPollIntervalMs: number;

  constructor(options: { client: AthenaClient; pollIntervalMs?: number; maxPollIntervalMs?: number }) {
    this.client = options.client;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.maxPollIntervalMs = options.maxPollIntervalMs ?? 5_000;
  }

  /** Starts a query; returns its execution id. */
  async start(sql: string, options: StartOptions): Promise<string> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: options.workGroup,
        QueryExecutionContext: options.database ? { Database: options.database, Catalog: options.catalog ?? 'AwsDataCatalog' } : undefined,
        ResultConfiguration: options.outputLocation ? { OutputLocation: options.outputLocation } : undefined,
      }),
    );
    if (!started.QueryExecutionId) throw new Error('Athena StartQueryExecution answered without a QueryExecutionId');
    return started.QueryExecutionId;
  }

  /**
   * Polls until the query ends. `onProgress` hears every poll. When `signal` aborts, the query is stopped
   * (StopQueryExecution) and its final state is returned. Throws {@link AthenaQueryError} when it failed.
   */
  async wait(queryExecutionId: string, options: { signal?: AbortSignal; onProgress?: (progress: QueryProgress) => void } = {}): Promise<QueryOutcome> {
    let interval = this.pollIntervalMs;
    let stopping = false;
    for (;;) {
      if (options.signal?.aborted && !stopping) {
        stopping = true;
        await this.stop(queryExecutionId);
      }
      const outcome = await this.describe(queryExecutionId);
      options.onProgress?.(outcome);
      if (FINAL_STATES.has(outcome.state)) {
        if (outcome.state === 'FAILED') throw new AthenaQueryError(outcome);
        return outcome;
      }
      await sleep(interval, stopping ? undefined : options.signal);
      interval = Math.min(this.maxPollIntervalMs, Math.round(interval * 1.5));
    }
  }

  /** Asks Athena to stop a query (it ends as CANCELLED). */
  async stop(queryExecutionId: string): Promise<void> {
    await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
  }

  /** The query's current state and statistics. */
  async describe(queryExecutionId: string): Promise<QueryOutcome> {
    const { QueryExecution: execution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    return outcomeOf(queryExecutionId, execution);
  }
}

function outcomeOf(queryExecutionId: string, execution: QueryExecution | undefined): QueryOutcome {
  const status = execution?.Status;
  return {
    queryExecutionId,
    state: status?.State ?? 'UNKNOWN',
    bytesScanned: execution?.Statistics?.DataScannedInBytes ?? 0,
    executionMs: execution?.Statistics?.TotalExecutionTimeInMillis ?? 0,
    reason: status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? null,
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
