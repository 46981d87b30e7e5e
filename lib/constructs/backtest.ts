import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { AccountRootPrincipal, PolicyStatement, Role, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { dayPartition, organizationLogsLocation, resolveBacktestSpec, type BacktestSpec } from '../../lambdas/core/athena/backtest-spec.js';
import { CLOUDTRAIL_STORAGE, glueColumns, PARTITION_KEYS, projectionProperties } from '../../lambdas/core/athena/ddl.js';
import { AthenaInputError } from '../../lambdas/core/athena/sql-text.js';
import { partitionById, partitionOfRegion } from '../../lambdas/core/partition.js';
import { checkAwsLimits } from '../limits/limit-checks.js';

/** Props of {@link Backtest}: where the organization trail writes, and the limits of a back-test. */
export interface BacktestProps {
  /** The organization trail's bucket (read only; in another account, its bucket policy must let the role read). */
  readonly trailBucket: string;
  /** The trail's key prefix, before `AWSLogs/`. @default none */
  readonly trailPrefix?: string;
  /** The organization id, `o-…`. */
  readonly organizationId: string;
  /** The KMS key the trail encrypts its files with, when it uses SSE-KMS: the role may decrypt with it. @default none (SSE-S3) */
  readonly trailKeyArn?: string;
  /** Regions the trail logs (the `region` partition enum). @default every commercial Region */
  readonly regions?: readonly string[];
  /** First day the `timestamp` projection covers (`yyyy-mm-dd`). @default '2013-11-01' (CloudTrail's launch: queries name their days, so the width costs nothing) */
  readonly historyStart?: string;
  /** Glue database. @default 'denial_alerter' */
  readonly databaseName?: string;
  /** Glue table. @default 'cloudtrail_organization' */
  readonly tableName?: string;
  /** Athena workgroup. @default 'denial-alerter-backtest' */
  readonly workGroupName?: string;
  /** A query that would scan more is cancelled by Athena (and costs what it scanned up to there). @default 2 TB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Query results and unloaded extracts are deleted after this long. @default 7 days */
  readonly resultExpiration?: Duration;
  /** Encrypts the results bucket and the workgroup's results. @default a new customer-managed key, rotated yearly */
  readonly encryptionKey?: IKey;
  /** Who may assume the run role. @default this account's IAM principals allowed to by their own policies */
  readonly runnerPrincipal?: IPrincipal;
}

const DEFAULTS = {
  databaseName: 'denial_alerter',
  tableName: 'cloudtrail_organization',
  workGroupName: 'denial-alerter-backtest',
  historyStart: '2013-11-01',
  bytesScannedCutoffPerQuery: 2 * 1e12,
  resultExpiration: Duration.days(7),
} as const;

/** Where `athena run --output` should point: the unload prefix of the results bucket. */
export const UNLOAD_PREFIX = 'unload/';

/**
 * The optional back-test kit (context `backtest`): the Glue database and the CloudTrail table with partition
 * projection over the organization trail, an Athena workgroup with a per-query scan limit whose results land
 * encrypted in a bucket that expires them, and a role that can run `denial-alerter athena run --no-create-table`
 * and nothing more: read the trail, run queries in this workgroup, write and read the results.
 *
 * The table's projection properties come from the same code as `athena sql`, so the deployed table and the printed
 * DDL cannot differ.
 */
export class Backtest extends Construct {
  public readonly database: CfnDatabase;
  public readonly table: CfnTable;
  public readonly workGroup: CfnWorkGroup;
  public readonly resultsBucket: Bucket;
  public readonly encryptionKey: IKey;
  public readonly runRole: Role;
  /** The checked table description (bucket, prefix, organization, Regions). */
  public readonly spec: BacktestSpec;

  constructor(scope: Construct, id: string, props: BacktestProps) {
    super(scope, id);
    checkAwsLimits(this);
    const databaseName = props.databaseName ?? DEFAULTS.databaseName;
    const tableName = props.tableName ?? DEFAULTS.tableName;
    const workGroupName = props.workGroupName ?? DEFAULTS.workGroupName;
    this.spec = specOf(props, databaseName, tableName, Stack.of(this).region);
    const stack = Stack.of(this);

    this.encryptionKey =
      props.encryptionKey ??
      new Key(this, 'Key', { description: 'Denial Alerter back-tests: Athena results and extracts', enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
    this.resultsBucket = new Bucket(this, 'Results', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireResults', expiration: props.resultExpiration ?? DEFAULTS.resultExpiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.resultsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only Athena results and extracts that expire within days; every query that writes them is in CloudTrail (Athena StartQueryExecution).',
    });

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: databaseName, description: 'Denial Alerter back-tests over the organization trail' },
    });
    this.table = new CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName,
      tableInput: {
        name: tableName,
        description: 'CloudTrail organization trail with partition projection (account, region, day)',
        tableType: 'EXTERNAL_TABLE',
        parameters: { EXTERNAL: 'TRUE', classification: 'cloudtrail', ...projectionProperties(this.spec, dayPartition(this.spec.sinceMs)) },
        partitionKeys: PARTITION_KEYS.map((name) => ({ name, type: 'string' })),
        storageDescriptor: {
          columns: glueColumns(),
          location: organizationLogsLocation(this.spec),
          inputFormat: CLOUDTRAIL_STORAGE.inputFormat,
          outputFormat: CLOUDTRAIL_STORAGE.outputFormat,
          serdeInfo: { serializationLibrary: CLOUDTRAIL_STORAGE.serde },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: workGroupName,
      description: 'Denial Alerter back-tests: per-query scan limit, encrypted results that expire',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? DEFAULTS.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsBucket.s3UrlForObject('athena-results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.encryptionKey.keyArn },
        },
      },
    });

    this.runRole = new Role(this, 'RunRole', {
      description: 'Denial Alerter: runs "denial-alerter athena run" (reads the organization trail, queries in the back-test workgroup)',
      assumedBy: props.runnerPrincipal ?? new AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(4),
    });
    this.grantRun(stack, props);

    new CfnOutput(this, 'RunCommand', {
      description: 'Back-test the last 30 days (with credentials of the run role)',
      value: `denial-alerter athena run --no-create-table --workgroup ${workGroupName} --database ${databaseName} --table ${tableName} --bucket ${this.spec.bucket}${this.spec.prefix ? ` --prefix ${this.spec.prefix}` : ''} --organization-id ${this.spec.organizationId} --output ${this.resultsBucket.s3UrlForObject(UNLOAD_PREFIX)} --since 30d`,
    });
    new CfnOutput(this, 'RunRoleArn', { value: this.runRole.roleArn });
  }

  private grantRun(stack: Stack, props: BacktestProps): void {
    const role = this.runRole;
    const acknowledge = (resource: string, reason: string) => Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    const partition = Aws.PARTITION;
    const trailObjects = `${this.spec.prefix ? `${this.spec.prefix}/` : ''}AWSLogs/${this.spec.organizationId}/`;

    role.addToPolicy(
      new PolicyStatement({
        sid: 'QueryInTheWorkgroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name })],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadTheTable',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.spec.database }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.spec.database}/${this.spec.table}` }),
        ],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadTheTrail',
        actions: ['s3:GetObject'],
        resources: [`arn:${partition}:s3:::${this.spec.bucket}/${trailObjects}*`],
      }),
    );
    acknowledge(`arn:<AWS::Partition>:s3:::${this.spec.bucket}/${trailObjects}*`, "Athena reads every log file of the organization trail below AWSLogs/<org-id>/ (read only)");
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ListTheTrail',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [`arn:${partition}:s3:::${this.spec.bucket}`],
        conditions: { StringLike: { 's3:prefix': [`${trailObjects}*`, ''] } },
      }),
    );
    // UNLOAD and the workgroup write results; `athena run` lists and reads them. No delete: the lifecycle rule does it.
    role.addToPolicy(
      new PolicyStatement({
        sid: 'WriteAndReadTheResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultsBucket.arnForObjects('*')],
      }),
    );
    const resultsId = stack.resolve((this.resultsBucket.node.defaultChild as CfnBucket).logicalId) as string;
    acknowledge(`<${resultsId}.Arn>/*`, 'Athena writes query results and unloaded extracts under generated names in the back-test results bucket, which expires them');
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ListTheResults',
        actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [this.resultsBucket.bucketArn],
      }),
    );
    role.addToPolicy(new PolicyStatement({ sid: 'UseTheResultsKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn] }));
    if (props.trailKeyArn) {
      role.addToPolicy(new PolicyStatement({ sid: 'DecryptTheTrail', actions: ['kms:Decrypt'], resources: [props.trailKeyArn] }));
    }
    role.addToPolicy(new PolicyStatement({ sid: 'ListTheAccounts', actions: ['organizations:ListAccounts'], resources: ['*'] }));
    acknowledge('*', 'organizations:ListAccounts has no resource type; it lists the accounts "athena run" reads when --accounts is not given');
  }
}

function specOf(props: BacktestProps, database: string, table: string, stackRegion: string): BacktestSpec {
  const historyStart = props.historyStart ?? DEFAULTS.historyStart;
  const sinceMs = Date.parse(`${historyStart}T00:00:00Z`);
  if (Number.isNaN(sinceMs)) throw new Error(`context backtest.historyStart "${historyStart}": expected yyyy-mm-dd`);
  try {
    return resolveBacktestSpec({
      bucket: props.trailBucket,
      prefix: props.trailPrefix,
      organizationId: props.organizationId,
      database,
      table,
      sinceMs,
      // The table serves any range; these two only satisfy the query-side checks.
      untilMs: sinceMs + 1,
      output: 's3://unused/',
      accountProjection: 'injected',
      // Every Region of the stack's partition when it is known at synth (the stack's env), else commercial.
      regions: props.regions ?? [...(partitionOfRegion(Token.isUnresolved(stackRegion) ? null : stackRegion) ?? partitionById('aws')!).regions],
    });
  } catch (error) {
    if (error instanceof AthenaInputError) throw new Error(`context backtest: ${error.message.replace(/^--(bucket|prefix|organization-id|regions|database|table)/, (_, key: string) => BACKTEST_CONTEXT_KEYS[key] ?? key)}`);
    throw error;
  }
}

const BACKTEST_CONTEXT_KEYS: Record<string, string> = {
  bucket: 'trailBucket',
  prefix: 'trailPrefix',
  'organization-id': 'organizationId',
  regions: 'regions',
  database: 'databaseName',
  table: 'tableName',
};

/**
 * Reads context `backtest: { "trailBucket", "organizationId", "trailPrefix"?, "trailKeyArn"?, "regions"?,
 * "historyStart"?, "bytesScannedCutoffGb"? }` into props; undefined when the context key is absent. Throws naming the
 * key at fault.
 */
export function backtestPropsFromContext(value: unknown): BacktestProps | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const raw = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('context backtest: expected an object with "trailBucket" and "organizationId"');
  const object = raw as Record<string, unknown>;
  const known = ['trailBucket', 'organizationId', 'trailPrefix', 'trailKeyArn', 'regions', 'historyStart', 'bytesScannedCutoffGb'];
  for (const key of Object.keys(object)) if (!known.includes(key)) throw new Error(`context backtest.${key}: unknown key (known: ${known.join(', ')})`);
  const text = (key: string, required: boolean): string | undefined => {
    const field = object[key];
    if (field === undefined && !required) return undefined;
    if (typeof field !== 'string' || field === '') throw new Error(`context backtest.${key}: expected a non-empty string`);
    return field;
  };
  const regions = object.regions;
  if (regions !== undefined && (!Array.isArray(regions) || !regions.every((region) => typeof region === 'string'))) throw new Error('context backtest.regions: expected an array of Region names');
  const gb = object.bytesScannedCutoffGb;
  if (gb !== undefined && (typeof gb !== 'number' || !Number.isFinite(gb) || gb < 0.01)) throw new Error('context backtest.bytesScannedCutoffGb: expected a number of gigabytes, at least 0.01 (Athena\'s minimum is 10 MB)');
  return {
    trailBucket: text('trailBucket', true)!,
    organizationId: text('organizationId', true)!,
    trailPrefix: text('trailPrefix', false),
    trailKeyArn: text('trailKeyArn', false),
    historyStart: text('historyStart', false),
    regions: regions as string[] | undefined,
    bytesScannedCutoffPerQuery: typeof gb === 'number' ? Math.round(gb * 1e9) : undefined,
  };
}
