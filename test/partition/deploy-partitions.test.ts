/**
 * Organization mode in each partition: the StackSet's Regions are the given ones plus the partition's IAM Region
 * (and CloudFront's in AWS China), never us-east-1 outside the commercial partition; Regions of two partitions are a
 * synth error naming them. cfn-lint per partition is a manual step (docs/deploy.md): it is not an npm package.
 */
import { describe, expect, it } from 'vitest';
import { organizationRegions, readerRoleRegions } from '../../lib/partition-regions.js';
import { buildCentral, resourcesOf } from '../stack/support/build.js';

const organizationIn = (regions: string[]) => ({ organizationId: 'o-a1b2c3d4e5', organization: { targets: ['ou-ab12-abcdefgh'], regions } });
const stackSetRegions = (regions: string[]) => resourcesOf(buildCentral(organizationIn(regions)).central, 'AWS::CloudFormation::StackSet')[0]!.Properties.StackInstancesGroup[0].Regions;

describe('organization Regions per partition', () => {
  it('adds the partition\'s IAM Region first: us-east-1, us-gov-west-1, cn-north-1 (and cn-northwest-1 for CloudFront in China)', () => {
    expect(organizationRegions(['eu-west-1'])).toEqual(['us-east-1', 'eu-west-1']);
    expect(organizationRegions(['us-gov-east-1'])).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    expect(organizationRegions(['cn-northwest-1'])).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(organizationRegions(['cn-north-1'])).toEqual(['cn-north-1', 'cn-northwest-1']);
  });

  it('synthesizes StackSets with those Regions, never us-east-1 in GovCloud or China', () => {
    expect(stackSetRegions(['us-gov-east-1'])).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    expect(stackSetRegions(['cn-north-1'])).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(stackSetRegions(['eu-west-1'])).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('refuses Regions of two partitions in one StackSet, naming them, and Regions of no partition', () => {
    expect(() => buildCentral(organizationIn(['eu-west-1', 'us-gov-west-1']))).toThrow(/two partitions.*aws: eu-west-1; aws-us-gov: us-gov-west-1/);
    expect(() => organizationRegions(['mars-north-1'])).toThrow(/"mars-north-1" is not a Region/);
    expect(() => organizationRegions(['us-iso-east-1'])).toThrow(/not supported/);
  });

  it('creates the reader role in each partition\'s IAM Region', () => {
    expect(readerRoleRegions()).toEqual(['us-east-1', 'us-gov-west-1', 'cn-north-1']);
  });

  it('gives the central bus no property AWS GovCloud (US)\'s schema lacks (Description, DeadLetterConfig, KmsKeyIdentifier)', () => {
    const bus = resourcesOf(buildCentral(organizationIn(['us-gov-west-1'])).central, 'AWS::Events::EventBus')[0]!;
    expect(Object.keys(bus.Properties).sort()).toEqual(['Name']);
  });
});
