/**
 * The Regions an organization rollout covers, in the partition of the Regions it is given: the partition's IAM Region
 * first (IAM and STS global-endpoint events are recorded there, and the member template creates the reader role
 * there), then its global Region where that differs (CloudFront's events: cn-northwest-1 in AWS China), then the given
 * Regions. Never us-east-1 outside the commercial partition: a StackSet cannot reach a Region of another partition.
 */
import { partitionOfRegion, SUPPORTED_PARTITIONS, partitionById } from '../lambdas/core/partition.js';

/** A Region list that cannot be deployed as one StackSet; the message names the Regions at fault. */
export class PartitionRegionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartitionRegionsError';
  }
}

/** The rollout's Regions for the given ones (see the module comment); throws {@link PartitionRegionsError}. */
export function organizationRegions(given: readonly string[]): string[] {
  const byPartition = new Map<string, string[]>();
  for (const region of given) {
    const partition = partitionOfRegion(region);
    if (!partition) throw new PartitionRegionsError(`"${region}" is not a Region of any AWS partition known to this version`);
    byPartition.set(partition.id, [...(byPartition.get(partition.id) ?? []), region]);
  }
  if (byPartition.size > 1) {
    const parts = [...byPartition].map(([id, regions]) => `${id}: ${regions.join(', ')}`).join('; ');
    throw new PartitionRegionsError(`Regions of two partitions cannot be in one StackSet (${parts}): deploy one stack per partition`);
  }
  const [id] = [...byPartition.keys()];
  const partition = partitionById(id ?? 'aws')!;
  if (!partition.supported) throw new PartitionRegionsError(`the ${partition.name} partition (${given.join(', ')}) is not supported (supported: ${SUPPORTED_PARTITIONS.join(', ')})`);
  return [...new Set([partition.iamRegion, partition.globalRegion, ...given])];
}

/** The IAM Region of each supported partition: where the member template creates the reader role. */
export function readerRoleRegions(): string[] {
  return [...new Set(SUPPORTED_PARTITIONS.map((id) => partitionById(id)!.iamRegion))];
}
