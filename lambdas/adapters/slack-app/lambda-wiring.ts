/**
 * The Lambda's Slack app mode in a few lines of the composition root: the responder store on the engine's table,
 * the threaded channels, and the gate that keeps snoozed and expected fingerprints silent. Without a secret ARN
 * (webhook mode) nothing changes: `obey` returns the publisher as it is.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AlertPublisher } from '../../engine/alert-publisher.js';
import { obeyResponders } from '../../engine/responder-gate.js';
import { DynamoDbResponderStore } from '../dynamodb-responder-store.js';
import type { SlackAppSecret } from './app-secret.js';
import type { SlackAppChannelsOptions } from './app-channels.js';

export interface SlackAppDelivery {
  /** The app channels' options for `createLambdaPublisher`, or undefined in webhook mode. */
  channels: Omit<SlackAppChannelsOptions, 'render'> | undefined;
  /** Wraps the publisher with the responders' gate (app mode), or returns it unchanged. */
  obey(publisher: AlertPublisher): AlertPublisher;
}

/**
 * Builds app-mode delivery from the secret ARN (or webhook mode without one). `readSecret` reads the app secret, with
 * the first alert: the caller supplies it so that the Secrets Manager client loads with alert delivery, not here.
 */
export function slackAppDelivery(
  secretArn: string | undefined,
  deps: { tableName: string; dynamodb: DynamoDBClient; readSecret: (secretArn: string) => Promise<SlackAppSecret>; now?: () => number; log?: SlackAppChannelsOptions['log'] },
): SlackAppDelivery {
  if (!secretArn) return { channels: undefined, obey: (publisher) => publisher };
  const store = new DynamoDbResponderStore({ tableName: deps.tableName, client: deps.dynamodb });
  const now = deps.now ?? Date.now;
  return {
    channels: { secret: () => deps.readSecret(secretArn), store, now, log: deps.log },
    obey: (publisher) => obeyResponders(publisher, { store, now, log: deps.log }),
  };
}
