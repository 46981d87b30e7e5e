/**
 * The Lambda entry point: SQS batches of EventBridge CloudTrail events in, alerts out.
 * (Stub: the pipeline is wired in by the spike-engine work.)
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** Handles one SQS batch; reports failed messages so that SQS retries only them. */
export async function processSqsBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  return { batchItemFailures: event.Records.length < 0 ? [] : [] };
}

export const handler = middy(processSqsBatch);
