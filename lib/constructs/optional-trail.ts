import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnTrail, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface OptionalTrailProps {
  /** Data events to log: S3 object operations, Lambda Invoke. @default [] (management events only) */
  readonly dataEvents?: ReadonlyArray<'s3' | 'lambda'>;
  /**
   * Event sources (e.g. `ec2.amazonaws.com`) whose network activity events are logged, only those denied by a VPC
   * endpoint policy (`errorCode` `VpceAccessDenied`). @default [] (none)
   */
  readonly networkActivitySources?: readonly string[];
}

/**
 * A multi-Region trail for accounts that have none (context `createTrail`): read and write management events, and
 * optionally data and network activity events, through advanced event selectors (the only kind that can select
 * network activity). Logs go to an S3-encrypted, TLS-only, private bucket with server access logging.
 */
export class OptionalTrail extends Construct {
  public readonly trail: Trail;
  public readonly bucket: Bucket;
  public readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: OptionalTrailProps = {}) {
    super(scope, id);
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No AwsSolutions-S1 acknowledgement: cdk-nag recognises a bucket that receives server access logs.
    this.bucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new Trail(this, 'Trail', { bucket: this.bucket, isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableFileValidation: true });
    const cfnTrail = this.trail.node.defaultChild as CfnTrail;
    cfnTrail.advancedEventSelectors = trailEventSelectors(props);
    // A trail takes basic or advanced selectors, not both; the L2 always writes the basic list (empty here).
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
  }
}

/** Management events always; S3 object and Lambda data events and VPC-endpoint denials on request. */
export function trailEventSelectors(props: OptionalTrailProps): CfnTrail.AdvancedEventSelectorProperty[] {
  const selectors: CfnTrail.AdvancedEventSelectorProperty[] = [
    { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
  ];
  const dataTypes = { s3: 'AWS::S3::Object', lambda: 'AWS::Lambda::Function' } as const;
  for (const kind of props.dataEvents ?? []) {
    selectors.push({
      name: `${kind} data events`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [dataTypes[kind]] },
      ],
    });
  }
  // One selector per event source: network activity selectors take a single eventSource with Equals.
  for (const source of props.networkActivitySources ?? []) {
    selectors.push({
      name: `${source} VPC endpoint denials`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['NetworkActivity'] },
        { field: 'eventSource', equalTo: [source] },
        { field: 'errorCode', equalTo: ['VpceAccessDenied'] },
      ],
    });
  }
  return selectors;
}
