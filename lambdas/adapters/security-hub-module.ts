/**
 * The Security Hub channel with its own SDK client, as a module the Lambda handler loads on first use (in the bundle,
 * `security-hub.mjs` beside `index.mjs`, from `HANDLER_LAZY_MODULES`): the client is a fifth of the handler's code,
 * and a cold start that has no finding to import should neither load nor evaluate it.
 */
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SecurityHubFindings, type SecurityHubChannelOptions } from './security-hub.js';

/** The channel and its archiving round, over a new client in the Lambda's Region. */
export function createSecurityHubFindings(options: Omit<SecurityHubChannelOptions, 'client'>): SecurityHubFindings {
  return new SecurityHubFindings({ ...options, client: new SecurityHubClient({}) });
}
