/**
 * The handler's Security Hub channel loads its module (and SDK client) on first use, not at cold start: its id is
 * there at once, the first delivery or archiving round loads it once, and a failed load is retried on the next use.
 */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { lazySecurityHubFindings } from '../../lambdas/adapters/lazy-security-hub.js';
import { SECURITY_HUB_CHANNEL_ID, SecurityHubFindings, type ArchiveStats } from '../../lambdas/adapters/security-hub.js';
import { createSecurityHubFindings } from '../../lambdas/adapters/security-hub-module.js';

/** Findings that record what reached them (the real class's two entry points, nothing imported). */
function recordingFindings() {
  const seen: string[] = [];
  const findings = {
    channel: () => ({ id: SECURITY_HUB_CHANNEL_ID, deliver: async (alert: AlertSummary, { deadlineMs }: { deadlineMs: number }) => void seen.push(`deliver ${alert.alertId} by ${deadlineMs}`) }),
    archiveQuiet: async ({ deadlineMs }: { deadlineMs: number }): Promise<ArchiveStats> => {
      seen.push(`archive by ${deadlineMs}`);
      return { archived: 2, failed: [] };
    },
  } as unknown as SecurityHubFindings;
  return { findings, seen };
}

const alert = { alertId: 'alert-1' } as AlertSummary;

describe('the lazily loaded Security Hub channel', () => {
  it('has its id before anything is loaded, and loads once for every later use', async () => {
    const { findings, seen } = recordingFindings();
    let loads = 0;
    const hub = lazySecurityHubFindings(async () => {
      loads++;
      return findings;
    });
    const channel = hub.channel();
    expect(channel.id).toBe(SECURITY_HUB_CHANNEL_ID);
    expect(loads).toBe(0);
    await channel.deliver(alert, { deadlineMs: 1_000 });
    await expect(hub.archiveQuiet({ deadlineMs: 2_000 })).resolves.toEqual({ archived: 2, failed: [] });
    await hub.channel().deliver(alert, { deadlineMs: 3_000 });
    expect(loads).toBe(1);
    expect(seen).toEqual(['deliver alert-1 by 1000', 'archive by 2000', 'deliver alert-1 by 3000']);
  });

  it('fails the use whose load failed (the outbox dead-letters or retries it) and loads again on the next', async () => {
    const { findings, seen } = recordingFindings();
    let loads = 0;
    const hub = lazySecurityHubFindings(async () => {
      if (++loads === 1) throw new Error('Cannot find module security-hub.mjs');
      return findings;
    });
    await expect(hub.channel().deliver(alert, { deadlineMs: 1_000 })).rejects.toThrow('security-hub.mjs');
    await hub.channel().deliver(alert, { deadlineMs: 2_000 });
    expect(loads).toBe(2);
    expect(seen).toEqual(['deliver alert-1 by 2000']);
  });

  it('is, once loaded, the real channel over its own SDK client', () => {
    const findings = createSecurityHubFindings({ store: { get: async () => undefined } as never, accountId: '111122223333', region: 'eu-west-1', quietMs: 3_600_000 });
    expect(findings).toBeInstanceOf(SecurityHubFindings);
    expect(findings.channel().id).toBe(SECURITY_HUB_CHANNEL_ID);
  });
});
