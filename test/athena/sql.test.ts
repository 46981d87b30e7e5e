import nodeSqlParser from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { MAX_ENUM_PROJECTION_VALUES, resolveBacktestSpec, type BacktestInput } from '../../lambdas/core/athena/backtest-spec.js';
import { createTableSql, projectionProperties } from '../../lambdas/core/athena/ddl.js';
import { ACCOUNT_IDS_PLACEHOLDER, extractionSelectSql, MAX_PARTITIONS_PER_QUERY, partitionCount, splitBacktest, unloadSql } from '../../lambdas/core/athena/extraction-query.js';
import { AthenaInputError } from '../../lambdas/core/athena/sql-text.js';
import { nameOf, type Expr } from './support/loopback-aws.js';

const parser = new nodeSqlParser.Parser();
/** node-sql-parser's Trino grammar (Athena engine v3 is Trino). */
const parseTrino = (sql: string) =>
  parser.astify(sql, { database: 'trino' }) as unknown as { type: string; where: Expr; columns: Array<{ expr: Expr }>; orderby: Array<{ expr: Expr; type: string }> | null };

const base: BacktestInput = {
  bucket: 'org-trail-logs',
  organizationId: 'o-abc123def4',
  database: 'denial_alerter',
  table: 'cloudtrail',
  sinceMs: Date.parse('2026-06-01T00:00:00Z'),
  untilMs: Date.parse('2026-07-01T00:00:00Z'),
  accounts: ['111122223333', '444455556666'],
  regions: ['us-east-1', 'eu-west-1'],
  output: 's3://backtest-results/run-1/',
};

/** The top-level AND conjuncts of a WHERE clause. */
function conjuncts(expr: Expr): Expr[] {
  return expr.type === 'binary_expr' && expr.operator === 'AND' ? [...conjuncts(expr.left!), ...conjuncts(expr.right!)] : [expr];
}

const literals = (expr: Expr | undefined): string[] => (expr?.type === 'expr_list' ? (expr.value as Expr[]).map((item) => String(item.value)) : [String(expr?.value)]);

/** The partition-date conjunct of the query: `"timestamp" BETWEEN from AND to`, or null when there is none. */
function partitionDateRange(sql: string): { from: string; to: string } | null {
  const found = conjuncts(parseTrino(sql).where).find((c) => c.operator === 'BETWEEN' && nameOf(c.left) === 'timestamp');
  if (!found) return null;
  const [from, to] = literals(found.right);
  return { from: from!, to: to! };
}

describe('the extraction query', () => {
  it('parses as Trino SQL, selects the pipeline\'s columns and keeps denials and candidate codes only', () => {
    const sql = extractionSelectSql(resolveBacktestSpec(base));
    const ast = parseTrino(sql);
    expect(ast.type).toBe('select');
    expect(ast.columns.map((c) => nameOf(c.expr))).toEqual([
      'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
      'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
      'readonly', 'resources', 'eventtype', 'recipientaccountid', 'sharedeventid', 'vpcendpointid', 'vpcendpointaccountid', 'eventcategory',
      'sessioncredentialfromconsole',
    ]);
    // Each file UNLOAD writes is sorted by event time, so that athena run can merge them in order.
    expect(ast.orderby?.map((order) => [nameOf(order.expr), order.type ?? 'ASC'])).toEqual([['eventtime', 'ASC']]);
    const parts = conjuncts(ast.where);
    const errorFilter = parts.at(-1)!;
    expect(errorFilter.operator).toBe('OR');
    expect(sql).toContain("errorcode IN ('AccessDenied', 'AccessDeniedException', 'Client.AccessDenied', 'UnauthorizedOperation'");
    expect(sql).toContain("OR errorcode LIKE 'AccessDenied%' OR errorcode LIKE '%UnauthorizedOperation' OR errorcode LIKE '%AccessDenied'");
    expect(parts.find((c) => c.operator === 'IN' && nameOf(c.left) === 'region')).toBeDefined();
    const bounds = parts.filter((c) => nameOf(c.left) === 'eventtime').map((c) => [c.operator, c.right?.value]);
    expect(bounds).toEqual([
      ['>=', '2026-06-01T00:00:00Z'],
      ['<', '2026-07-01T00:00:00Z'],
    ]);
  });

  it('prunes partitions by date for every range, reading one more day at the end for late log files', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const ranges: Array<[number, number]> = [
      [Date.parse('2026-06-01T00:00:00Z'), Date.parse('2026-06-02T00:00:00Z')],
      [Date.parse('2026-06-01T13:00:00Z'), Date.parse('2026-06-01T13:05:00Z')],
      [Date.parse('2025-12-31T23:59:59Z'), Date.parse('2026-01-01T00:00:01Z')],
      [Date.parse('2024-02-28T00:00:00Z'), Date.parse('2024-03-01T00:00:00Z')],
    ];
    for (let i = 0; i < 60; i++) {
      const since = Date.parse('2020-01-01T00:00:00Z') + Math.floor(random() * 6 * 365 * 86_400_000);
      ranges.push([since, since + 1 + Math.floor(random() * 400 * 86_400_000)]);
    }
    const literal = (since: string, until: string) => partitionDateRange(extractionSelectSql(resolveBacktestSpec({ ...base, sinceMs: Date.parse(since), untilMs: Date.parse(until) })));
    expect(literal('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')).toEqual({ from: '2026/06/01', to: '2026/07/01' });
    expect(literal('2026-06-01T13:00:00Z', '2026-06-01T13:05:00Z')).toEqual({ from: '2026/06/01', to: '2026/06/02' });
    expect(literal('2025-12-31T23:59:59Z', '2026-01-01T00:00:01Z')).toEqual({ from: '2025/12/31', to: '2026/01/02' });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
    for (const [sinceMs, untilMs] of ranges) {
      const range = partitionDateRange(extractionSelectSql(resolveBacktestSpec({ ...base, sinceMs, untilMs })));
      expect(range, `${new Date(sinceMs).toISOString()}..${new Date(untilMs).toISOString()}`).toEqual({ from: day(sinceMs), to: day(untilMs - 1 + 86_400_000) });
    }
  });

  it('counts the partitions it reads (account x Region x day), within Athena\'s million per query', () => {
    const month = resolveBacktestSpec(base);
    expect(partitionCount(month)).toBe(2 * 2 * 31);
    const accounts = Array.from({ length: 100 }, (_, i) => String(100_000_000_000 + i));
    const regions = Array.from({ length: 35 }, (_, i) => `xx-region-${i + 1}`);
    const year = resolveBacktestSpec({ ...base, accounts, regions, sinceMs: Date.parse('2025-01-01T00:00:00Z'), untilMs: Date.parse('2026-01-01T00:00:00Z') });
    expect(partitionCount(year)).toBe(100 * 35 * 366);
    expect(partitionCount(year)).toBeGreaterThan(MAX_PARTITIONS_PER_QUERY);
    // athena run splits it into whole days, back to back, each within the limit, each unloading to its own prefix.
    const parts = splitBacktest(year);
    expect(parts.map((part) => [new Date(part.sinceMs).toISOString().slice(0, 10), new Date(part.untilMs).toISOString().slice(0, 10), part.output])).toEqual([
      ['2025-01-01', '2025-10-12', 's3://backtest-results/run-1/part-001/'],
      ['2025-10-12', '2026-01-01', 's3://backtest-results/run-1/part-002/'],
    ]);
    for (const part of parts) expect(partitionCount(part)).toBeLessThanOrEqual(MAX_PARTITIONS_PER_QUERY);
    expect(splitBacktest(month)).toEqual([month]);
    expect(() => splitBacktest(year, 100 * 35)).toThrow(/two days already exceed/);
  });

  it('is wrapped in UNLOAD … TO the output WITH gzip JSON', () => {
    const spec = resolveBacktestSpec(base);
    const unload = unloadSql(spec);
    const inner = extractionSelectSql(spec).split('\n').map((line) => `  ${line}`).join('\n');
    expect(unload).toBe(`UNLOAD (\n${inner}\n)\nTO 's3://backtest-results/run-1/'\nWITH (format = 'JSON', compression = 'gzip')`);
  });

  it('injects the accounts the query lists (an enum only when asked, and only for a few dozen), none as a placeholder', () => {
    const given = resolveBacktestSpec(base);
    expect(projectionProperties(given)).toMatchObject({ 'projection.account.type': 'injected' });
    expect(extractionSelectSql(given)).toContain("AND account IN ('111122223333', '444455556666')");
    const few = resolveBacktestSpec({ ...base, accountProjection: 'enum' });
    expect(projectionProperties(few)).toMatchObject({ 'projection.account.type': 'enum', 'projection.account.values': '111122223333,444455556666' });
    expect(extractionSelectSql(few)).not.toMatch(/account IN/);

    const many = Array.from({ length: MAX_ENUM_PROJECTION_VALUES + 1 }, (_, i) => String(100_000_000_000 + i));
    const injected = resolveBacktestSpec({ ...base, accounts: many, accountProjection: 'enum' });
    expect(projectionProperties(injected)['projection.account.type']).toBe('injected');
    expect(projectionProperties(injected)).not.toHaveProperty('projection.account.values');
    const accountIn = conjuncts(parseTrino(extractionSelectSql(injected)).where).find((c) => c.operator === 'IN' && nameOf(c.left) === 'account');
    expect(literals(accountIn?.right)).toEqual(many);

    const none = extractionSelectSql(resolveBacktestSpec({ ...base, accounts: [] }));
    expect(none).toContain(`AND account IN (${ACCOUNT_IDS_PLACEHOLDER}) -- the account projection is injected`);
  });

  it('keeps "what changed" events (successful calls only) beside the denials when a catalogue is given', () => {
    const sql = extractionSelectSql(resolveBacktestSpec({ ...base, accounts: ['111122223333'], changeEvents: [{ eventSource: 'iam.amazonaws.com', eventNames: ['PutRolePolicy', 'DeleteRolePolicy'] }] }));
    expect(() => parseTrino(sql)).not.toThrow();
    expect(sql).toContain("OR (errorcode IS NULL AND ((eventsource = 'iam.amazonaws.com' AND eventname IN ('PutRolePolicy', 'DeleteRolePolicy'))))");
  });

  it('escapes every quote of user text, and refuses names and ids that are not what they claim', () => {
    const spec = resolveBacktestSpec({ ...base, prefix: "/team's trail/", output: "s3://results/it's/" });
    const ddl = createTableSql(spec);
    expect(ddl).toContain("LOCATION 's3://org-trail-logs/team''s trail/AWSLogs/o-abc123def4/'");
    expect(unloadSql(spec)).toContain("TO 's3://results/it''s/'");
    // Every quote in the DDL and the UNLOAD is paired: nothing user-supplied ends a literal early.
    for (const sql of [ddl, unloadSql(spec)]) {
      const withoutLiterals = sql.replace(/'(?:[^']|'')*'/g, "''");
      expect(withoutLiterals.replace(/''/g, '')).not.toContain("'");
    }
    const refused: Array<[Partial<BacktestInput>, string]> = [
      [{ database: 'db"; DROP TABLE x; --' }, '--database'],
      [{ table: 'Cloud-Trail' }, '--table'],
      [{ bucket: "b' OR '1'='1" }, '--bucket'],
      [{ organizationId: "o-abc'" }, '--organization-id'],
      [{ accounts: ["1111' OR 1=1"] }, '--accounts'],
      [{ regions: ["us-east-1') --"] }, '--regions'],
      [{ extraErrorCodes: ["x' OR 1=1"] }, '--extra-error-codes'],
      [{ output: 'https://example.com/' }, '--output'],
      [{ prefix: 'logs\nx' }, '--prefix'],
      [{ untilMs: base.sinceMs }, '--until'],
    ];
    for (const [override, option] of refused) {
      expect(() => resolveBacktestSpec({ ...base, ...override }), option).toThrow(AthenaInputError);
      try {
        resolveBacktestSpec({ ...base, ...override });
      } catch (error) {
        expect((error as AthenaInputError).option).toBe(option);
      }
    }
  });
});

describe('the table DDL', () => {
  const ddl = createTableSql(resolveBacktestSpec({ ...base, prefix: 'cloudtrail', accounts: ['111122223333', '444455556666'], accountProjection: 'enum' }));

  it('has the documented CloudTrail columns, in order, with the two fields the pipeline also reads', () => {
    const topLevel = [...ddl.matchAll(/^ {2}([a-z0-9]+) /gm)].map((m) => m[1]);
    expect(topLevel).toEqual([
      'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
      'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
      'readonly', 'resources', 'eventtype', 'apiversion', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid',
      'vpcendpointid', 'vpcendpointaccountid', 'eventcategory', 'addendum', 'sessioncredentialfromconsole', 'edgedevicedetails', 'tlsdetails',
    ]);
    expect(ddl).toContain('    identityprovider: STRING,');
    expect(ddl).toContain('      sourceidentity: STRING>>,');
    expect(ddl).toContain('  resources ARRAY<STRUCT<\n    arn: STRING,\n    accountid: STRING,\n    type: STRING>>,');
    expect(ddl.split('<').length).toBe(ddl.split('>').length);
  });

  it('projects account, Region and day over the organization trail layout', () => {
    expect(ddl.slice(ddl.indexOf('PARTITIONED BY'))).toBe(
      [
        'PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)',
        "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
        "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
        "LOCATION 's3://org-trail-logs/cloudtrail/AWSLogs/o-abc123def4/'",
        'TBLPROPERTIES (',
        "  'projection.enabled'='true',",
        "  'projection.account.type'='enum',",
        "  'projection.account.values'='111122223333,444455556666',",
        "  'projection.region.type'='enum',",
        "  'projection.region.values'='us-east-1,eu-west-1',",
        "  'projection.timestamp.type'='date',",
        "  'projection.timestamp.format'='yyyy/MM/dd',",
        "  'projection.timestamp.range'='2013/11/01,NOW',",
        "  'projection.timestamp.interval'='1',",
        "  'projection.timestamp.interval.unit'='DAYS',",
        "  'storage.location.template'='s3://org-trail-logs/cloudtrail/AWSLogs/o-abc123def4/${account}/CloudTrail/${region}/${timestamp}'",
        ');',
      ].join('\n'),
    );
  });
});
