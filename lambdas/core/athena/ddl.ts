/**
 * The `CREATE EXTERNAL TABLE` of Athena's documented CloudTrail table ("Create the table for CloudTrail logs in
 * Athena using partition projection"), laid over an organization trail: partitions `account`, `region` and
 * `timestamp` projected over `AWSLogs/<org-id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>`, so no partition is ever
 * added by hand and a query reads only the days (and accounts, Regions) it names.
 */
import { athenaName, CLOUDTRAIL_COLUMNS, type Column, type ColumnType } from './cloudtrail-columns.js';
import { accountProjection, organizationLogsLocation, type BacktestSpec } from './backtest-spec.js';
import { sqlString } from './sql-text.js';

/**
 * First day of the `timestamp` projection: CloudTrail's launch (November 2013). A table is created once and reused;
 * starting it at a back-test's first day would make a later, longer back-test silently read nothing before it. The
 * width costs nothing: every query names its days, and Athena projects only those.
 */
export const PROJECTION_START_DAY = '2013/11/01';

/** The table properties (partition projection), as key/value pairs: the DDL and the CDK construct share them. */
export function projectionProperties(
  spec: Pick<BacktestSpec, 'bucket' | 'prefix' | 'organizationId' | 'accounts' | 'accountProjection' | 'regions'>,
  startDay: string = PROJECTION_START_DAY,
): Record<string, string> {
  const location = organizationLogsLocation(spec);
  const account: Record<string, string> =
    accountProjection(spec) === 'enum'
      ? { 'projection.account.type': 'enum', 'projection.account.values': spec.accounts.join(',') }
      : { 'projection.account.type': 'injected' };
  return {
    'projection.enabled': 'true',
    ...account,
    'projection.region.type': 'enum',
    'projection.region.values': spec.regions.join(','),
    'projection.timestamp.type': 'date',
    'projection.timestamp.format': 'yyyy/MM/dd',
    'projection.timestamp.range': `${startDay},NOW`,
    'projection.timestamp.interval': '1',
    'projection.timestamp.interval.unit': 'DAYS',
    'storage.location.template': `${location}\${account}/CloudTrail/\${region}/\${timestamp}`,
  };
}

/** The Hive type of a column, as the documented DDL writes it (`STRUCT<name: TYPE, …>`). */
export function hiveType(type: ColumnType, indent = '  '): string {
  switch (type.kind) {
    case 'string':
    case 'json-text':
    case 'boolean-text':
      return 'STRING';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'array':
      return `ARRAY<${hiveType(type.of, indent)}>`;
    case 'struct': {
      const inner = `${indent}  `;
      return `STRUCT<\n${type.fields.map((field) => `${inner}${athenaName(field.name)}: ${hiveType(field.type, inner)}`).join(',\n')}>`;
    }
  }
}

/** The Glue catalog type of a column (`struct<type:string,…>`, no spaces), as a CloudFormation `AWS::Glue::Table` needs. */
export function glueType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
    case 'json-text':
    case 'boolean-text':
      return 'string';
    case 'map':
      return 'map<string,string>';
    case 'array':
      return `array<${glueType(type.of)}>`;
    case 'struct':
      return `struct<${type.fields.map((field) => `${athenaName(field.name)}:${glueType(field.type)}`).join(',')}>`;
  }
}

/** The table's columns as the Glue catalog holds them. */
export function glueColumns(): Array<{ name: string; type: string }> {
  return CLOUDTRAIL_COLUMNS.map((column) => ({ name: athenaName(column.name), type: glueType(column.type) }));
}

/** The partition keys, in the order of the location template. */
export const PARTITION_KEYS = ['account', 'region', 'timestamp'] as const;

/** The storage formats of the documented CloudTrail table. */
export const CLOUDTRAIL_STORAGE = {
  serde: 'org.apache.hive.hcatalog.data.JsonSerDe',
  inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
} as const;

const columnLine = (column: Column): string => `  ${athenaName(column.name)} ${hiveType(column.type, '  ')}`;

/** The full `CREATE EXTERNAL TABLE IF NOT EXISTS` statement. */
export function createTableSql(spec: BacktestSpec): string {
  const properties = projectionProperties(spec);
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${spec.database}\`.\`${spec.table}\` (`,
    CLOUDTRAIL_COLUMNS.map(columnLine).join(',\n'),
    ')',
    'COMMENT \'CloudTrail organization trail, partition projection (denial-alerter athena sql)\'',
    'PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)',
    `ROW FORMAT SERDE ${sqlString(CLOUDTRAIL_STORAGE.serde)}`,
    `STORED AS INPUTFORMAT ${sqlString(CLOUDTRAIL_STORAGE.inputFormat)}`,
    `OUTPUTFORMAT ${sqlString(CLOUDTRAIL_STORAGE.outputFormat)}`,
    `LOCATION ${sqlString(organizationLogsLocation(spec))}`,
    'TBLPROPERTIES (',
    Object.entries(properties)
      .map(([key, value]) => `  ${sqlString(key)}=${sqlString(value)}`)
      .join(',\n'),
    ');',
  ].join('\n');
}
