import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface OptionalTrailProps {
  /** @default [] */
  readonly dataEvents?: ReadonlyArray<'s3' | 'lambda'>;
}

/** A multi-Region trail for accounts that have none (context `createTrail`), with optional S3/Lambda data events. */
export class OptionalTrail extends Construct {
  public readonly trail: Trail;
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: OptionalTrailProps = {}) {
    super(scope, id);
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the server access log bucket of the trail bucket; logging it again would loop.' });
    this.bucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new Trail(this, 'Trail', { bucket: this.bucket, isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableFileValidation: true });
    if (props.dataEvents?.includes('s3')) this.trail.logAllS3DataEvents();
    if (props.dataEvents?.includes('lambda')) this.trail.logAllLambdaDataEvents();
  }
}
