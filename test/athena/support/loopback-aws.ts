/**
 * A loopback stand-in for the three AWS APIs `athena run` calls, on one real HTTP server (test/support/http-server.ts):
 * Athena (JSON 1.1, `X-Amz-Target: AmazonAthena.*`), S3 (path-style ListObjectsV2 XML and GetObject) and
 * Organizations (`AWSOrganizationsV20161128.ListAccounts`).
 *
 * An UNLOAD is executed for real over a table of CloudTrail records: the inner SELECT is parsed with node-sql-parser
 * (Trino) and its WHERE evaluated on each record's Athena row and partition values (account, region, day), so the
 * test checks what the SQL selects, not what the test expects it to. Matching rows are written as gzip JSON lines,
 * split over several files, below the UNLOAD's S3 prefix.
 */
import nodeSqlParser from 'node-sql-parser';
import { gzipSync } from 'node:zlib';
import { startHttpServer, type LocalServer, type RecordedRequest } from '../../support/http-server.js';
import { toAthenaRow } from './athena-rows.js';

type Json = Record<string, unknown>;
/** The part of node-sql-parser's expression tree the tests read. */
export type Expr = { type: string; operator?: string; left?: Expr; right?: Expr; value?: unknown; column?: unknown; expr?: Expr };

export interface QueryBehaviour {
  /** Final state after `pollsBeforeDone` GetQueryExecution calls (default SUCCEEDED after 2). */
  finalState?: 'SUCCEEDED' | 'FAILED';
  reason?: string;
  /** Never finishes: stays RUNNING until stopped. */
  hang?: boolean;
  pollsBeforeDone?: number;
}

interface Execution {
  id: string;
  sql: string;
  polls: number;
  state: string;
  bytesScanned: number;
  behaviour: QueryBehaviour;
}

export interface LoopbackAws {
  server: LocalServer;
  url: string;
  /** Objects by `bucket/key`. */
  objects: Map<string, Buffer>;
  executions: Execution[];
  /** The X-Amz-Target of every JSON call, in order. */
  targets(): string[];
  close(): Promise<void>;
}

const parser = new nodeSqlParser.Parser();

/** Starts the loopback endpoints over `records`; `accounts` answer ListAccounts (two per page). */
export async function startLoopbackAws(options: { records: Json[]; accounts?: string[]; behaviour?: QueryBehaviour; filesPerUnload?: number }): Promise<LoopbackAws> {
  const objects = new Map<string, Buffer>();
  const executions: Execution[] = [];
  const server = await startHttpServer((request, response) => {
    const send = (status: number, body: string | Buffer, type: string) => {
      response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    const json = (body: unknown, status = 200) => send(status, JSON.stringify(body), 'application/x-amz-json-1.1');
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith('AmazonAthena.')) return athena(target.slice('AmazonAthena.'.length), JSON.parse(request.body || '{}') as Json, json);
    if (target === 'AWSOrganizationsV20161128.ListAccounts') {
      if (!options.accounts) return json({ __type: 'AccessDeniedException', Message: 'You don\'t have permissions to access this resource.' }, 400);
      const all = options.accounts;
      const start = Number((JSON.parse(request.body || '{}') as Json).NextToken ?? 0);
      const page = all.slice(start, start + 2);
      return json({ Accounts: page.map((id) => ({ Id: id, Status: 'ACTIVE' })), ...(start + 2 < all.length ? { NextToken: String(start + 2) } : {}) });
    }
    return s3(request, send);
  });

  function athena(operation: string, input: Json, json: (body: unknown, status?: number) => void) {
    if (operation === 'StartQueryExecution') {
      const sql = String(input.QueryString);
      const execution: Execution = { id: `q-${executions.length + 1}`, sql, polls: 0, state: 'QUEUED', bytesScanned: 0, behaviour: /^UNLOAD/.test(sql) ? (options.behaviour ?? {}) : {} };
      executions.push(execution);
      return json({ QueryExecutionId: execution.id });
    }
    const execution = executions.find((candidate) => candidate.id === input.QueryExecutionId);
    if (!execution) return json({ __type: 'InvalidRequestException', Message: `no query ${String(input.QueryExecutionId)}` }, 400);
    if (operation === 'StopQueryExecution') {
      execution.state = 'CANCELLED';
      return json({});
    }
    if (operation === 'GetQueryExecution') {
      execution.polls++;
      if (execution.state !== 'CANCELLED' && execution.state !== 'SUCCEEDED' && execution.state !== 'FAILED') {
        execution.state = 'RUNNING';
        execution.bytesScanned = 7_340_032 * execution.polls;
        const { hang, pollsBeforeDone = 2, finalState = 'SUCCEEDED' } = execution.behaviour;
        if (!hang && execution.polls >= pollsBeforeDone) {
          execution.state = finalState;
          if (finalState === 'SUCCEEDED' && /^UNLOAD/.test(execution.sql)) unload(execution.sql);
        }
      }
      return json({
        QueryExecution: {
          QueryExecutionId: execution.id,
          Query: execution.sql,
          Status: {
            State: execution.state,
            ...(execution.state === 'FAILED' ? { StateChangeReason: execution.behaviour.reason ?? 'failed', AthenaError: { ErrorMessage: execution.behaviour.reason ?? 'failed' } } : {}),
          },
          Statistics: { DataScannedInBytes: execution.bytesScanned, TotalExecutionTimeInMillis: 1000 * execution.polls },
        },
      });
    }
    return json({ __type: 'InvalidRequestException', Message: `unsupported ${operation}` }, 400);
  }

  /** Runs the UNLOAD: evaluates its WHERE on every record and writes the rows below its TO prefix. */
  function unload(sql: string) {
    const match = /^UNLOAD \(\n([\s\S]*)\n\)\nTO '((?:[^']|'')*)'\nWITH \(format = 'JSON', compression = 'gzip'\)$/.exec(sql);
    if (!match) throw new Error(`not an UNLOAD this endpoint understands:\n${sql}`);
    const select = parser.astify(match[1]!, { database: 'trino' }) as unknown as { where: Expr; columns: Array<{ expr: Expr }>; orderby?: Array<{ expr: Expr; type: string }> | null };
    const columns = select.columns.map((column) => nameOf(column.expr)!);
    const rows = options.records
      .filter((record) => truthy(evaluate(select.where, rowWithPartitions(record))))
      .map((record) => Object.fromEntries(columns.map((column) => [column, toAthenaRow(record)[column] ?? null])));
    // Like Athena: with ORDER BY each file is sorted, the files are not sorted among themselves (rows are dealt out
    // round-robin, so every file spans the whole range).
    const sortKey = select.orderby?.[0] ? nameOf(select.orderby[0].expr) : null;
    const sortFile = (part: Json[]) => (sortKey ? [...part].sort((a, b) => (String(a[sortKey] ?? '') < String(b[sortKey] ?? '') ? -1 : String(a[sortKey] ?? '') > String(b[sortKey] ?? '') ? 1 : 0)) : part);
    const output = match[2]!.replace(/''/g, "'");
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(output)!;
    const files = options.filesPerUnload ?? 3;
    for (let file = 0; file < files; file++) {
      const part = sortFile(rows.filter((_, index) => index % files === file));
      if (part.length === 0) continue;
      objects.set(`${bucket}/${prefix}20260601_000000_0000${file}_abcde_${file}.gz`, gzipSync(part.map((row) => JSON.stringify(row)).join('\n')));
    }
  }

  function s3(request: RecordedRequest, send: (status: number, body: string | Buffer, type: string) => void) {
    const url = new URL(request.url, 'http://loopback');
    const [, bucket, ...keyParts] = url.pathname.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((full) => full.startsWith(`${bucket}/${prefix}`)).sort();
      const start = Number(url.searchParams.get('continuation-token') ?? 0);
      const page = keys.slice(start, start + 2);
      const truncated = start + 2 < keys.length;
      const contents = page
        .map((full) => `<Contents><Key>${escapeXml(full.slice(bucket!.length + 1))}</Key><LastModified>2026-06-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${objects.get(full)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
        .join('');
      return send(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${start + 2}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
        'application/xml',
      );
    }
    const body = objects.get(`${bucket}/${key}`);
    if (request.method === 'GET' && body) return send(200, body, 'application/octet-stream');
    return send(404, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no ${escapeXml(key)}</Message></Error>`, 'application/xml');
  }

  return {
    server,
    url: server.url,
    objects,
    executions,
    targets: () => server.requests.map((request) => String(request.headers['x-amz-target'] ?? '')).filter(Boolean),
    close: () => server.close(),
  };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Athena row of a record with the partition values its log file would have. */
function rowWithPartitions(record: Json): Json {
  const time = String(record.eventTime ?? '');
  return {
    ...toAthenaRow(record),
    account: record.recipientAccountId ?? null,
    region: record.awsRegion ?? null,
    timestamp: /^\d{4}-\d{2}-\d{2}/.test(time) ? time.slice(0, 10).replace(/-/g, '/') : null,
  };
}

/** The column an expression names (a column reference or a double-quoted name), else null. */
export function nameOf(expr: Expr | undefined): string | null {
  if (!expr) return null;
  if (expr.type === 'double_quote_string') return String(expr.value);
  if (expr.type === 'column_ref') {
    const column = expr.column as { expr?: { value?: string } } | string;
    return typeof column === 'string' ? column : (column.expr?.value ?? null);
  }
  return null;
}

const truthy = (value: unknown) => value === true;

/** Three-valued SQL logic over one row: null propagates, as in Trino. */
function evaluate(expr: Expr, row: Json): unknown {
  const column = nameOf(expr);
  if (column !== null) return row[column] ?? null;
  switch (expr.type) {
    case 'single_quote_string':
      return String(expr.value);
    case 'null':
      return null;
    case 'expr_list':
      return (expr.value as Expr[]).map((item) => evaluate(item, row));
    case 'binary_expr': {
      const op = expr.operator!;
      if (op === 'AND' || op === 'OR') {
        const left = evaluate(expr.left!, row);
        const right = evaluate(expr.right!, row);
        if (op === 'AND') return left === false || right === false ? false : left === null || right === null ? null : true;
        return left === true || right === true ? true : left === null || right === null ? null : false;
      }
      const left = evaluate(expr.left!, row);
      if (op === 'IS') return left === null;
      if (op === 'IS NOT') return left !== null;
      const right = evaluate(expr.right!, row);
      if (left === null) return null;
      const text = String(left);
      switch (op) {
        case '=':
          return text === right;
        case '>=':
          return text >= String(right);
        case '<':
          return text < String(right);
        case 'IN':
          return (right as unknown[]).includes(text);
        case 'NOT IN':
          return !(right as unknown[]).includes(text);
        case 'BETWEEN': {
          const [low, high] = right as string[];
          return text >= low! && text <= high!;
        }
        case 'LIKE': {
          const pattern = String(right).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
          return new RegExp(`^${pattern}$`, 's').test(text);
        }
      }
      throw new Error(`operator ${op} not understood by the loopback Athena`);
    }
  }
  throw new Error(`expression ${expr.type} not understood by the loopback Athena: ${JSON.stringify(expr).slice(0, 200)}`);
}
