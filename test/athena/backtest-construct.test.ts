import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backtest, backtestPropsFromContext, type BacktestProps } from '../../lib/constructs/backtest.js';
import { glueType } from '../../lambdas/core/athena/ddl.js';
import { CLOUDTRAIL_COLUMNS } from '../../lambdas/core/athena/cloudtrail-columns.js';

const PROPS: BacktestProps = { trailBucket: 'org-trail-logs', trailPrefix: 'ct', organizationId: 'o-abc123def4', regions: ['us-east-1', 'eu-west-1'] };

function build(props: BacktestProps = PROPS) {
  const app = new App();
  const stack = new Stack(app, 'BacktestStack', { env: { account: '111122223333', region: 'eu-west-1' } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const backtest = new Backtest(stack, 'Backtest', props);
  return { app, stack, backtest, template: () => Template.fromStack(stack) };
}

type Violation = { ruleName: string; violatingConstructs: Array<{ constructPath: string }> };

describe('the backtest construct', () => {
  it('has a Glue table over the organization trail, partitions projected by account (injected), Region and day', () => {
    const template = build().template();
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'denial_alerter' } });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'denial_alerter',
      TableInput: {
        Name: 'cloudtrail_organization',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [
          { Name: 'account', Type: 'string' },
          { Name: 'region', Type: 'string' },
          { Name: 'timestamp', Type: 'string' },
        ],
        Parameters: {
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.account.type': 'injected',
          'projection.region.type': 'enum',
          'projection.region.values': 'us-east-1,eu-west-1',
          'projection.timestamp.type': 'date',
          'projection.timestamp.format': 'yyyy/MM/dd',
          'projection.timestamp.range': '2013/11/01,NOW',
          'projection.timestamp.interval': '1',
          'projection.timestamp.interval.unit': 'DAYS',
          'storage.location.template': 's3://org-trail-logs/ct/AWSLogs/o-abc123def4/${account}/CloudTrail/${region}/${timestamp}',
        },
        StorageDescriptor: {
          Location: 's3://org-trail-logs/ct/AWSLogs/o-abc123def4/',
          InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
          Columns: Match.arrayWith([
            { Name: 'useridentity', Type: Match.stringLikeRegexp('^struct<type:string,principalid:string,.*sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>') },
            { Name: 'requestparameters', Type: 'string' },
            { Name: 'resources', Type: 'array<struct<arn:string,accountid:string,type:string>>' },
          ]),
        },
      },
    });
    const columns = template.findResources('AWS::Glue::Table');
    const [table] = Object.values(columns) as Array<{ Properties: { TableInput: { StorageDescriptor: { Columns: Array<{ Name: string; Type: string }> } } } }>;
    expect(table!.Properties.TableInput.StorageDescriptor.Columns).toEqual(CLOUDTRAIL_COLUMNS.map((column) => ({ Name: column.name.toLowerCase(), Type: glueType(column.type) })));
  });

  it('limits each query\'s scan, enforces its encrypted result location, and expires the results', () => {
    const template = build({ ...PROPS, bytesScannedCutoffPerQuery: 500e9 }).template();
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'denial-alerter-backtest',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 500e9,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('Results') }, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } },
        },
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('gives the run role reads of the trail, queries in its workgroup only, and no write to the trail', () => {
    const template = build().template();
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{ Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown; Sid?: string }> } } }>;
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution', 'glue:GetTable', 's3:GetObject', 'organizations:ListAccounts']));
    for (const statement of statements) {
      const resources = JSON.stringify(statement.Resource);
      if (resources.includes('org-trail-logs')) expect([statement.Action].flat().every((action) => /^s3:(Get|List)/.test(action)), JSON.stringify(statement)).toBe(true);
    }
    const athena = statements.find((statement) => statement.Sid === 'QueryInTheWorkgroup')!;
    expect(JSON.stringify(athena.Resource)).toContain('workgroup/denial-alerter-backtest');
  });

  it('is clean under cdk-nag AwsSolutionsChecks', () => {
    const { app } = build();
    let error: unknown = null;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    const report = join(app.outdir, 'validation-report.json');
    const violations = existsSync(report)
      ? (JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations?: Violation[] }> }).pluginReports.flatMap((plugin) => plugin.violations ?? [])
      : [];
    expect(violations.map((violation) => `${violation.ruleName} ${violation.violatingConstructs.map((c) => c.constructPath).join(',')}`)).toEqual([]);
    expect(error).toBeNull();
  });

  it('reads context "backtest" and names the key at fault', () => {
    expect(backtestPropsFromContext(undefined)).toBeUndefined();
    expect(backtestPropsFromContext({ trailBucket: 'b-logs', organizationId: 'o-abc', bytesScannedCutoffGb: 100 })).toEqual(
      expect.objectContaining({ trailBucket: 'b-logs', organizationId: 'o-abc', bytesScannedCutoffPerQuery: 100e9 }),
    );
    expect(backtestPropsFromContext('{"trailBucket":"b-logs","organizationId":"o-abc"}')).toMatchObject({ trailBucket: 'b-logs' });
    expect(() => backtestPropsFromContext({ organizationId: 'o-abc' })).toThrow(/backtest\.trailBucket/);
    expect(() => backtestPropsFromContext({ trailBucket: 'b', organizationId: 'o-abc', bucket: 'x' })).toThrow(/backtest\.bucket: unknown key/);
    expect(() => build({ trailBucket: 'b-logs', organizationId: "o-abc'; DROP" })).toThrow(/context backtest: organizationId/);
  });
});
