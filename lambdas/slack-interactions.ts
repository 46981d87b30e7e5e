/**
 * The Lambda entry point of the Slack interaction endpoint (a Function URL, created in Slack app mode only): button
 * clicks in, snoozes / Expected / acknowledgements into the engine's table, replies into the thread. The logic is in
 * `adapters/slack-app/interactions.ts`; this builds its dependencies once per execution environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { DynamoDbResponderStore } from './adapters/dynamodb-responder-store.js';
import { readSlackAppSecret, type SlackAppSecret } from './adapters/slack-app/app-secret.js';
import { makeInteractionHandler, type InteractionRequest, type InteractionResponse } from './adapters/slack-app/interactions.js';
import { slackWebClient } from './adapters/slack-app/web-client.js';
import { HANDLER_ENV, SLACK_APP_ENV } from './config/env.js';

/** Builds the endpoint from the environment (`DENIAL_TABLE_NAME`, `SLACK_APP_SECRET_ARN`). */
export function interactionHandlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): (request: InteractionRequest) => Promise<InteractionResponse> {
  const tableName = env[HANDLER_ENV.tableName];
  const secretArn = env[SLACK_APP_ENV.secretArn];
  if (!tableName || !secretArn) throw new Error(`environment variables ${HANDLER_ENV.tableName} and ${SLACK_APP_ENV.secretArn} must be set`);
  const secretsManager = new SecretsManagerClient({});
  let secret: Promise<SlackAppSecret> | undefined;
  const readSecret = () => {
    secret ??= readSlackAppSecret(secretsManager, secretArn);
    secret.catch(() => (secret = undefined));
    return secret;
  };
  return makeInteractionHandler({
    secret: readSecret,
    client: async () => slackWebClient((await readSecret()).botToken, { timeoutMs: 2_000 }),
    store: new DynamoDbResponderStore({ tableName, client: new DynamoDBClient({}) }),
    now: Date.now,
    log: (level, message, details) => console[level](JSON.stringify({ level, message, ...details })),
  });
}

let handle: ((request: InteractionRequest) => Promise<InteractionResponse>) | undefined;

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  handle ??= interactionHandlerFromEnvironment();
  return handle(event);
}
