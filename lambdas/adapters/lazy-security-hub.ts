/**
 * The Security Hub channel loaded on its first use: its id is known at once (the outbox records deliveries by it), the
 * module with the SDK client only when an alert is delivered or the archiving round runs. A failed load is retried
 * on the next use.
 */
import { loadOnce } from './load-once.js';
import type { AlertChannel } from './notifier.js';
import { SECURITY_HUB_CHANNEL_ID, type ArchiveStats, type SecurityHubFindings } from './security-hub.js';

/** What the handler uses of {@link SecurityHubFindings}. */
export type SecurityHubRound = Pick<SecurityHubFindings, 'channel' | 'archiveQuiet'>;

/** The channel and archiving round of the findings `load` resolves to, loaded once, on first use. */
export function lazySecurityHubFindings(load: () => Promise<SecurityHubFindings>): SecurityHubRound {
  const loaded = loadOnce(load);
  return {
    channel: (): AlertChannel => ({ id: SECURITY_HUB_CHANNEL_ID, deliver: async (alert, options) => (await loaded()).channel().deliver(alert, options) }),
    archiveQuiet: async (options): Promise<ArchiveStats> => (await loaded()).archiveQuiet(options),
  };
}
