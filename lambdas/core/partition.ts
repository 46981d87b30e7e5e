/**
 * The partition model: which AWS partition a Region or an ARN belongs to, and what differs there for the alerter
 * (ARN prefix, console host, IAM's home Region, the global Region, which features exist).
 *
 * The partitions, their Regions, DNS suffixes and Regions of global services come from AWS's own endpoint data
 * (`partitions.generated.ts`, built by `scripts/build-partition-index.ts` from the AWS SDK); only what that data does
 * not hold is written here, each with its page. Every ARN, link and command the alerter writes takes the partition
 * of the record it is about: nothing else in the code spells a partition's ARN prefix or console host.
 */
import { PARTITION_DATA, type PartitionRow } from './partitions.generated.js';

/** The partitions the alerter supports end to end; the others (ISO, European Sovereign Cloud) are recognised only. */
export const SUPPORTED_PARTITIONS = ['aws', 'aws-us-gov', 'aws-cn'] as const;
export type SupportedPartitionId = (typeof SUPPORTED_PARTITIONS)[number];

/** One partition and what the alerter needs of it. */
export interface Partition {
  /** `aws`, `aws-us-gov`, `aws-cn`, `aws-iso`, … (the ARN's second field). */
  id: string;
  /** A readable name: "AWS", "AWS GovCloud (US)", "AWS China". */
  name: string;
  /** `amazonaws.com`, `amazonaws.com.cn`, … */
  dnsSuffix: string;
  regions: readonly string[];
  /** Where IAM and the STS global endpoint record their events (IAM's endpoint signs there). */
  iamRegion: string;
  /** Where the partition's global services sign and record (CloudFront's events land there). */
  globalRegion: string;
  /** Where AWS Organizations answers. */
  organizationsRegion: string;
  /** Whether the alerter supports the partition end to end (alerts, deploys, advice). */
  supported: boolean;
  /** Whether IAM's Access Troubleshooter (`GetRequestAuthorizationDetails`, a preview) can be called there. */
  accessTroubleshooter: boolean;
  /** Whether AWS Security Hub exists there. */
  securityHub: boolean;
}

/**
 * The AWS Management Console's host for a Region, where AWS documents one:
 * - commercial: `https://<region>.console.aws.amazon.com` (General Reference, "AWS Management Console endpoints and
 *   quotas", https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html);
 * - AWS GovCloud (US): `https://console.amazonaws-us-gov.com` (GovCloud User Guide, "Accessing the AWS GovCloud (US)
 *   Regions", https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/accessing-govcloud.html);
 * - AWS China: `https://console.amazonaws.cn` ("the host for the console in China is unique to China": Getting Started
 *   with Amazon Web Services in China, "General Information", https://docs.amazonaws.cn/en_us/aws/latest/userguide/general-info.html).
 * The ISO partitions' consoles are not public: no link.
 */
const CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
  'aws-cn': () => 'console.amazonaws.cn',
};

const NAMES: Readonly<Record<string, string>> = {
  aws: 'AWS',
  'aws-us-gov': 'AWS GovCloud (US)',
  'aws-cn': 'AWS China',
  'aws-iso': 'AWS ISO (US)',
  'aws-iso-b': 'AWS ISOB (US)',
  'aws-iso-e': 'AWS ISOE (Europe)',
  'aws-iso-f': 'AWS ISOF',
  'aws-eusc': 'AWS European Sovereign Cloud',
};

/**
 * Access Troubleshooter is a public preview in the commercial us-east-1 only (IAM User Guide, "Troubleshoot access
 * denied error messages with authorization ID"). Security Hub exists in the commercial partition, AWS GovCloud (US)
 * (GovCloud User Guide, "AWS Security Hub in AWS GovCloud (US)") and AWS China (Getting Started with Amazon Web
 * Services in China, "AWS Security Hub"); every other partition is taken to lack both until AWS says otherwise.
 */
const FEATURES: Readonly<Record<string, { accessTroubleshooter: boolean; securityHub: boolean }>> = {
  aws: { accessTroubleshooter: true, securityHub: true },
  'aws-us-gov': { accessTroubleshooter: false, securityHub: true },
  'aws-cn': { accessTroubleshooter: false, securityHub: true },
};

function toPartition(row: PartitionRow): Partition {
  return {
    id: row.id,
    name: NAMES[row.id] ?? row.id,
    dnsSuffix: row.dnsSuffix,
    regions: row.regions,
    iamRegion: row.iamRegion,
    globalRegion: row.globalRegion,
    organizationsRegion: row.organizationsRegion,
    supported: (SUPPORTED_PARTITIONS as readonly string[]).includes(row.id),
    accessTroubleshooter: FEATURES[row.id]?.accessTroubleshooter ?? false,
    securityHub: FEATURES[row.id]?.securityHub ?? false,
  };
}

const PARTITIONS: readonly Partition[] = PARTITION_DATA.partitions.map(toPartition);
const PATTERNS = PARTITION_DATA.partitions.map((row) => ({ id: row.id, pattern: new RegExp(row.regionPattern) }));
const BY_ID = new Map(PARTITIONS.map((partition) => [partition.id, partition]));

/** Every partition in AWS's endpoint data. */
export function allPartitions(): readonly Partition[] {
  return PARTITIONS;
}

/** The partition with this id (`aws`, `aws-us-gov`, …), or null. */
export function partitionById(id: string | null | undefined): Partition | null {
  return (id && BY_ID.get(id)) || null;
}

/**
 * The partition a Region belongs to: a Region listed in AWS's endpoint data, else one matching a partition's Region
 * pattern (a Region newer than the data); null for a name no partition claims.
 */
export function partitionOfRegion(region: string | null | undefined): Partition | null {
  if (!region) return null;
  const listed = PARTITIONS.find((partition) => partition.regions.includes(region));
  if (listed) return listed;
  const matched = PATTERNS.find(({ pattern }) => pattern.test(region));
  return matched ? BY_ID.get(matched.id) ?? null : null;
}

/** The partition an ARN names (its second field), or null when it is not an ARN of a known partition. */
export function partitionOfArn(arn: string | null | undefined): Partition | null {
  const match = arn ? /^arn:([a-z0-9-]+):/.exec(arn) : null;
  return match ? partitionById(match[1]) : null;
}

/**
 * The partition of a record: its ARNs first (they say it outright), else its Region; the commercial partition when
 * neither tells, as the AWS SDK's `partition()` falls back to `aws` for a Region it does not know (the anonymised
 * Regions of the public samples).
 */
export function partitionOf(facts: { arns?: ReadonlyArray<string | null | undefined>; region?: string | null }): Partition {
  for (const arn of facts.arns ?? []) {
    const partition = partitionOfArn(arn);
    if (partition) return partition;
  }
  return partitionOfRegion(facts.region) ?? (BY_ID.get('aws') as Partition);
}

/** `arn:<partition>:` — the prefix of every ARN in the partition. */
export function arnPrefix(partition: Partition | string): string {
  return `arn:${typeof partition === 'string' ? partition : partition.id}:`;
}

/** An ARN in the partition: `arn(p, 'iam', '', '123456789012', 'role/x')`. */
export function arnIn(partition: Partition | string, service: string, region: string, account: string, resource: string): string {
  return `${arnPrefix(partition)}${service}:${region}:${account}:${resource}`;
}

/** The ARN of an AWS managed policy in the partition (`arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess`). */
export function managedPolicyArn(partition: Partition | string, pathAndName: string): string {
  return arnIn(partition, 'iam', '', 'aws', `policy/${pathAndName.replace(/^\/+/, '')}`);
}

/** An ARN with its partition replaced by `aws` (to match data that only knows commercial ARNs); others unchanged. */
export function withCommercialPartition(arn: string): string {
  return arn.replace(/^arn:[a-z0-9-]+:/, 'arn:aws:');
}

/**
 * The console's base URL for a Region (`https://eu-west-1.console.aws.amazon.com`,
 * `https://console.amazonaws-us-gov.com`), or null where the partition's console is not public or the Region unknown.
 */
export function consoleBaseUrl(region: string | null | undefined): string | null {
  if (!region || !/^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(region)) return null;
  // A plain Region name no partition claims is taken as commercial, as the AWS SDK's own `partition()` does.
  const partition = partitionOfRegion(region) ?? BY_ID.get('aws');
  const host = partition ? CONSOLE_HOSTS[partition.id] : undefined;
  return host ? `https://${host(region)}` : null;
}

/**
 * The Region a command about a service should name: IAM (and the STS global endpoint's calls recorded there) in the
 * partition's IAM Region, everything else in the record's own Region.
 */
export function commandRegion(service: string, recordRegion: string | null | undefined): string | null {
  const partition = partitionOfRegion(recordRegion);
  if (service === 'iam') return partition?.iamRegion ?? recordRegion ?? null;
  return recordRegion ?? null;
}

/** A usage error for a Region no partition claims, naming it. */
export class UnknownRegionError extends Error {
  constructor(readonly region: string) {
    super(`"${region}" is not a Region of any AWS partition known to this version (${PARTITIONS.map((p) => p.id).join(', ')})`);
    this.name = 'UnknownRegionError';
  }
}

/** The partition of a Region given by a user; throws {@link UnknownRegionError} naming it. */
export function requirePartitionOfRegion(region: string): Partition {
  const partition = partitionOfRegion(region);
  if (!partition) throw new UnknownRegionError(region);
  return partition;
}
