import { describe, expect, it } from 'vitest';
import {
  allPartitions,
  arnIn,
  commandRegion,
  consoleBaseUrl,
  managedPolicyArn,
  partitionOf,
  partitionOfArn,
  partitionOfRegion,
  requirePartitionOfRegion,
  UnknownRegionError,
  withCommercialPartition,
} from '../../lambdas/core/partition.js';
import { PARTITION_DATA } from '../../lambdas/core/partitions.generated.js';
import { buildPartitionData } from '../../scripts/build-partition-index.js';

describe('the partition model', () => {
  it('is the AWS SDK endpoint data installed now (run npm run build:partition-index after an SDK upgrade)', () => {
    expect(buildPartitionData()).toEqual(PARTITION_DATA);
  });

  it('puts each Region of the three supported partitions in its own partition', () => {
    expect(partitionOfRegion('eu-west-1')?.id).toBe('aws');
    expect(partitionOfRegion('us-gov-west-1')?.id).toBe('aws-us-gov');
    expect(partitionOfRegion('us-gov-east-1')?.id).toBe('aws-us-gov');
    expect(partitionOfRegion('cn-north-1')?.id).toBe('aws-cn');
    expect(partitionOfRegion('cn-northwest-1')?.id).toBe('aws-cn');
    expect(partitionOfRegion('us-iso-east-1')?.id).toBe('aws-iso');
  });

  it('claims a Region newer than the data by its partition\'s pattern, and none for a made-up name', () => {
    expect(partitionOfRegion('eu-west-9')?.id).toBe('aws');
    expect(partitionOfRegion('us-gov-north-1')?.id).toBe('aws-us-gov');
    expect(partitionOfRegion('mars-north-1')).toBeNull();
    expect(() => requirePartitionOfRegion('mars-north-1')).toThrow(UnknownRegionError);
    expect(() => requirePartitionOfRegion('mars-north-1')).toThrow(/"mars-north-1" is not a Region/);
  });

  it('knows where IAM and the global services record events, from the SDK\'s endpoint rules', () => {
    expect(partitionOfRegion('us-west-2')).toMatchObject({ iamRegion: 'us-east-1', globalRegion: 'us-east-1' });
    expect(partitionOfRegion('us-gov-east-1')).toMatchObject({ iamRegion: 'us-gov-west-1' });
    expect(partitionOfRegion('cn-northwest-1')).toMatchObject({ iamRegion: 'cn-north-1', globalRegion: 'cn-northwest-1' });
  });

  it('offers Access Troubleshooter only in the commercial partition', () => {
    expect(allPartitions().filter((p) => p.accessTroubleshooter).map((p) => p.id)).toEqual(['aws']);
    expect(allPartitions().filter((p) => p.supported).map((p) => p.id).sort()).toEqual(['aws', 'aws-cn', 'aws-us-gov']);
  });

  it('reads the partition of an ARN, and of a record from its ARNs before its Region', () => {
    expect(partitionOfArn('arn:aws-cn:iam::123456789012:role/x')?.id).toBe('aws-cn');
    expect(partitionOfArn('not an arn')).toBeNull();
    expect(partitionOf({ arns: [null, 'arn:aws-us-gov:s3:::b'], region: 'us-east-1' }).id).toBe('aws-us-gov');
    expect(partitionOf({ region: 'cn-north-1' }).id).toBe('aws-cn');
    expect(partitionOf({}).id).toBe('aws');
  });

  it('writes ARNs, managed policy ARNs and console links in the partition', () => {
    expect(arnIn('aws-us-gov', 'iam', '', '123456789012', 'root')).toBe('arn:aws-us-gov:iam::123456789012:root');
    expect(managedPolicyArn(partitionOfRegion('cn-north-1')!, 'ReadOnlyAccess')).toBe('arn:aws-cn:iam::aws:policy/ReadOnlyAccess');
    expect(managedPolicyArn('aws', '/service-role/AWSConfigRole')).toBe('arn:aws:iam::aws:policy/service-role/AWSConfigRole');
    expect(withCommercialPartition('arn:aws-cn:s3:::bucket/*')).toBe('arn:aws:s3:::bucket/*');
    expect(consoleBaseUrl('eu-west-1')).toBe('https://eu-west-1.console.aws.amazon.com');
    expect(consoleBaseUrl('us-gov-west-1')).toBe('https://console.amazonaws-us-gov.com');
    expect(consoleBaseUrl('cn-northwest-1')).toBe('https://console.amazonaws.cn');
    expect(consoleBaseUrl('us-iso-east-1')).toBeNull();
    expect(consoleBaseUrl('apiso-northsouth-3r')).toBe('https://apiso-northsouth-3r.console.aws.amazon.com');
    expect(consoleBaseUrl('eu-west-1/../evil')).toBeNull();
  });

  it('names IAM\'s Region for IAM commands and the record\'s Region for the others', () => {
    expect(commandRegion('iam', 'eu-west-1')).toBe('us-east-1');
    expect(commandRegion('iam', 'us-gov-east-1')).toBe('us-gov-west-1');
    expect(commandRegion('iam', 'cn-northwest-1')).toBe('cn-north-1');
    expect(commandRegion('sts', 'cn-northwest-1')).toBe('cn-northwest-1');
    expect(commandRegion('ec2', null)).toBeNull();
  });
});
