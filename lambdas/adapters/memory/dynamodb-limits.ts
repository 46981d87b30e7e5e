/**
 * What DynamoDB refuses, for the in-process stores that must refuse the same: the item size limit, the items of one
 * `BatchWriteItem` and of one `TransactWriteItems`, and the failure hook the contract suite injects faults through.
 */

/**
 * The largest item DynamoDB stores: 400 KB, attribute names and values together.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Put or delete requests in one `BatchWriteItem`: 25.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
export const BATCH_WRITE_ITEMS = 25;

/**
 * Actions in one `TransactWriteItems`: 100 (all succeed or none).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
export const TRANSACT_WRITE_ITEMS = 100;

/**
 * Decides, for each request an in-process store would have sent to DynamoDB, whether it fails instead (nothing of it
 * is applied, as a request that never reached the table). `command` is the DynamoDB command the real adapter sends
 * for the same step (`BatchWriteItemCommand`, `TransactWriteItemsCommand`, `QueryCommand`, …); `index` counts from 0.
 */
export type MemoryFaultPlan = (request: { index: number; command: string }) => Error | null;

/** A DynamoDB `ValidationException` as the SDK raises it (an item over the size limit, too many actions). */
export function validationError(message: string): Error {
  const error = new Error(message);
  error.name = 'ValidationException';
  return error;
}

/** Counts the requests of one in-process store and applies its fault plan before each. */
export class RequestGate {
  private count = 0;
  private readonly seen: string[] = [];

  constructor(private plan: MemoryFaultPlan | null = null) {}

  /** Throws the planned fault of this request, if any; otherwise counts it. */
  pass(command: string): void {
    const index = this.count++;
    // Commands are kept only under a plan (a test): a long replay would otherwise keep one string per request.
    if (this.plan) this.seen.push(command);
    const fault = this.plan?.({ index, command });
    if (fault) throw fault;
  }

  get requests(): number {
    return this.count;
  }

  /** Commands seen while a plan was set, in order. */
  commands(): string[] {
    return [...this.seen];
  }

  setPlan(plan: MemoryFaultPlan | null): void {
    this.plan = plan;
  }
}
