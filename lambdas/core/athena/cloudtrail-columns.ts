/**
 * The columns of Athena's documented CloudTrail table, each with the CloudTrail field name it holds.
 *
 * Athena lower-cases every column and struct field (`useridentity.sessioncontext.sessionissuer.arn`), keeps
 * `requestparameters`, `responseelements`, `additionaleventdata` and `serviceeventdetails` as JSON text and `readonly`
 * as the text `"true"`/`"false"`. This one description drives both directions: the `CREATE EXTERNAL TABLE` columns
 * (see `ddl.ts`) and the mapping of an Athena row back to a CloudTrail record (see `athena-row.ts`), so the two cannot
 * disagree.
 *
 * Two fields the pipeline reads and the documented table leaves out are added: `useridentity.identityprovider` and
 * `useridentity.sessioncontext.sourceidentity` (the JSON SerDe fills a missing field with null, so older logs read fine).
 */

/** How a column's value is kept in the table. */
export type ColumnType =
  | { kind: 'string' }
  /** JSON text in the table, an object (or array) in the record. */
  | { kind: 'json-text' }
  /** `"true"`/`"false"` text in the table, a boolean in the record. */
  | { kind: 'boolean-text' }
  /** Keys are data (kept as they are), values strings. */
  | { kind: 'map' }
  | { kind: 'struct'; fields: readonly Column[] }
  | { kind: 'array'; of: Column['type'] };

/** One column or struct field: its CloudTrail name (the Athena name is its lower case) and its type. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

const string = { kind: 'string' } as const;
const jsonText = { kind: 'json-text' } as const;
const struct = (...fields: Column[]): ColumnType => ({ kind: 'struct', fields });
const col = (name: string, type: ColumnType = string): Column => ({ name, type });

/** The table's columns, in the documented order. */
export const CLOUDTRAIL_COLUMNS: readonly Column[] = [
  col('eventVersion'),
  col(
    'userIdentity',
    struct(
      col('type'),
      col('principalId'),
      col('arn'),
      col('accountId'),
      col('invokedBy'),
      col('accessKeyId'),
      col('userName'),
      col('identityProvider'),
      col('onBehalfOf', struct(col('userId'), col('identityStoreArn'))),
      col(
        'sessionContext',
        struct(
          col('attributes', struct(col('mfaAuthenticated'), col('creationDate'))),
          col('sessionIssuer', struct(col('type'), col('principalId'), col('arn'), col('accountId'), col('userName'))),
          col('ec2RoleDelivery'),
          col('webIdFederationData', struct(col('federatedProvider'), col('attributes', { kind: 'map' }))),
          col('sourceIdentity'),
        ),
      ),
    ),
  ),
  col('eventTime'),
  col('eventSource'),
  col('eventName'),
  col('awsRegion'),
  col('sourceIPAddress'),
  col('userAgent'),
  col('errorCode'),
  col('errorMessage'),
  col('requestParameters', jsonText),
  col('responseElements', jsonText),
  col('additionalEventData', jsonText),
  col('requestID'),
  col('eventID'),
  col('readOnly', { kind: 'boolean-text' }),
  col('resources', { kind: 'array', of: struct(col('ARN'), col('accountId'), col('type')) }),
  col('eventType'),
  col('apiVersion'),
  col('recipientAccountId'),
  col('serviceEventDetails', jsonText),
  col('sharedEventID'),
  col('vpcEndpointId'),
  col('vpcEndpointAccountId'),
  col('eventCategory'),
  col('addendum', struct(col('reason'), col('updatedFields'), col('originalRequestID'), col('originalEventID'))),
  col('sessionCredentialFromConsole'),
  col('edgeDeviceDetails', jsonText),
  col('tlsDetails', struct(col('tlsVersion'), col('cipherSuite'), col('clientProvidedHostHeader'))),
];

/**
 * The columns the extraction query selects: every field the pipeline reads (classification, suppressions, history,
 * correlation, "what changed", the console suppression), and nothing it does not (no TLS details, addendum, edge devices).
 */
export const EXTRACTED_COLUMNS: readonly string[] = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'eventCategory',
  // The console page-load suppression reads it (a console session's read-only calls from a browser).
  'sessionCredentialFromConsole',
];

/** Athena's name for a CloudTrail field. */
export const athenaName = (name: string): string => name.toLowerCase();
