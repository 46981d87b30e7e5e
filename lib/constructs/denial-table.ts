import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';

export interface DenialTableProps {
  /** Encrypts the table. */
  readonly encryptionKey: IKey;
  /** @default RemovalPolicy.RETAIN: history outlives the stack unless you choose otherwise */
  readonly removalPolicy?: RemovalPolicy;
}

/** The single table of `lambdas/adapters/table-schema.ts`: on-demand, TTL, point-in-time recovery, KMS-encrypted. */
export class DenialTable extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: DenialTableProps) {
    super(scope, id);
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(TABLE_SCHEMA.partitionKey),
      sortKey: key(TABLE_SCHEMA.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE_SCHEMA.indexes)) {
      // Small projections: the indexes find history pages and alerts by day; the pages themselves are read from the table.
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: ProjectionType[index.projection],
        ...('nonKeyAttributes' in index ? { nonKeyAttributes: [...index.nonKeyAttributes] } : {}),
      });
    }
  }
}
