/**
 * The single DynamoDB table's key schema, shared by the store adapter, the CDK stack and the emulator bootstrap.
 *
 * | item            | pk                     | sk                    | GSI keys                                      |
 * |-----------------|------------------------|-----------------------|-----------------------------------------------|
 * | history         | `EVENT#<eventId>`      | `EVENT`               | principal, action, time (sharded, see below)  |
 * | minute counters | `FP#<fingerprint>`     | `HOUR#<yyyy-mm-ddThh>`| none; attributes `m00`…`m59`, TTL             |
 * | alert state     | `FP#<fingerprint>`     | `STATE`               | none                                          |
 *
 * Index partitions: `P#<principal>#<shard>`, `A#<action>#<shard>`, `M#<yyyy-mm of event time>#<shard>`; sort key
 * `<eventTime>#<eventId>`. GSI partition keys carry a shard suffix (`#0`…`#7`, from the event id) so that a storm from one principal spreads
 * over several partitions instead of throttling one.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    byPrincipal: { name: 'byPrincipal', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    byAction: { name: 'byAction', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    byTime: { name: 'byTime', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  },
  gsiShards: 8,
} as const;
