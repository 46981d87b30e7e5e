/**
 * The Security Hub channel: an alert becomes its incident's ASFF finding, imported with `BatchImportFindings`
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html); a quiet incident's
 * finding is imported once more with `RecordState: ARCHIVED`.
 *
 * - One finding per incident (`core/findings/incident.ts`): the open incident of each fingerprint, with the finding last
 *   imported, is kept in an {@link IncidentStore}. It is written before the import: if the import then fails, the alert
 *   is dead-lettered by the outbox and the next alert of the incident imports the same `Id` anyway (an import of an
 *   unknown `Id` creates it). A redelivered alert re-imports the very finding it produced before (same `UpdatedAt`).
 * - `FailedFindings` is read per finding: a finding Security Hub refused fails that alert (or keeps that incident open
 *   for the next archiving round) and nothing else. Throttling (HTTP 429, `LimitExceededException`) is retried by the
 *   SDK; what is still refused by the deadline fails as retryable, so the rest of the batch's alerts fail at once.
 */
import { BatchImportFindingsCommand, type AwsSecurityFinding, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AlertSummary } from '../core/alert.js';
import { archivedFinding, asffFinding, type AsffFinding } from '../core/findings/asff.js';
import { incidentOf, isQuiet } from '../core/findings/incident.js';
import { ASFF_LIMITS } from '../core/findings/limits.js';
import type { AlertChannel } from './notifier.js';
import type { IncidentStore } from './dynamodb-incident-store.js';

/** The channel id of Security Hub in the outbox (`delivered` / `deadLettered` lists). */
export const SECURITY_HUB_CHANNEL_ID = 'securityhub:findings';

export interface SecurityHubChannelOptions {
  client: SecurityHubClient;
  store: IncidentStore;
  /** The account the Lambda runs in: `AwsAccountId` and the default product's account. */
  accountId: string;
  /** The Region Security Hub is called in (the Lambda's). */
  region: string;
  /** `incidentQuietPeriod(settings)`. */
  quietMs: number;
  /** @default Date.now */
  now?: () => number;
}

/** A refusal of `BatchImportFindings`, one finding or the whole call. */
export class SecurityHubImportError extends Error {
  override readonly name = 'SecurityHubImportError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What one archiving round did. */
export interface ArchiveStats {
  archived: number;
  /** Incidents left open for the next round (refused, or the call failed), with why. */
  failed: Array<{ fingerprint: string; error: string }>;
}

/** The Security Hub channel and its archiving round. */
export class SecurityHubFindings {
  readonly id = SECURITY_HUB_CHANNEL_ID;
  private readonly now: () => number;

  constructor(private readonly options: SecurityHubChannelOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The outbox channel: imports the alert's incident finding. */
  channel(): AlertChannel {
    return { id: this.id, deliver: (alert, { deadlineMs }) => this.deliver(alert, deadlineMs) };
  }

  async deliver(alert: AlertSummary, deadlineMs: number): Promise<void> {
    const { store } = this.options;
    const open = await store.get(alert.fingerprint);
    let finding: AsffFinding;
    if (open && open.lastAlertId === alert.alertId) {
      finding = open.finding;
    } else {
      const { incident, activity } = incidentOf(alert, open && !isQuiet(open.incident, this.now(), this.options.quietMs) ? open.incident : undefined, this.options.quietMs);
      const updatedAt = new Date(Math.max(this.now(), open ? Date.parse(open.finding.UpdatedAt) + 1 : 0)).toISOString();
      finding = asffFinding(alert, { productAccountId: this.options.accountId, region: this.options.region, incident, activity, updatedAt });
      if (open && open.incident.incidentId !== incident.incidentId) {
        // The fingerprint's previous incident was quiet but not archived yet: archive it before this one replaces it.
        await this.importAll([archivedFinding(open.finding, updatedAt)], deadlineMs);
      }
      await store.put({ incident, finding, lastAlertId: alert.alertId });
    }
    const [failure] = await this.importAll([finding], deadlineMs);
    if (failure) throw new SecurityHubImportError(`Security Hub refused finding ${finding.Id}: ${failure}`, false);
  }

  /**
   * Archives every open incident that has been quiet for the quiet period: one import per 100 findings, each refused
   * finding's incident left open for the next round. Never rejects on Security Hub's account.
   */
  async archiveQuiet({ deadlineMs }: { deadlineMs: number }): Promise<ArchiveStats> {
    const stats: ArchiveStats = { archived: 0, failed: [] };
    const nowMs = this.now();
    const quiet = (await this.options.store.list()).filter((open) => isQuiet(open.incident, nowMs, this.options.quietMs));
    for (let start = 0; start < quiet.length; start += ASFF_LIMITS.findingsPerCall) {
      const chunk = quiet.slice(start, start + ASFF_LIMITS.findingsPerCall);
      let failures: Array<string | null>;
      try {
        failures = await this.importAll(
          chunk.map((open) => archivedFinding(open.finding, new Date(Math.max(nowMs, Date.parse(open.finding.UpdatedAt) + 1)).toISOString())),
          deadlineMs,
        );
      } catch (error) {
        for (const open of chunk) stats.failed.push({ fingerprint: open.incident.fingerprint, error: (error as Error).message });
        continue;
      }
      for (const [index, open] of chunk.entries()) {
        const failure = failures[index];
        if (failure) {
          stats.failed.push({ fingerprint: open.incident.fingerprint, error: failure });
        } else if (await this.options.store.remove(open.incident.fingerprint, open.lastAlertId)) {
          stats.archived++;
        }
      }
    }
    return stats;
  }

  /** Imports findings (≤ 100); resolves with each finding's refusal (`ErrorCode: ErrorMessage`) or null, in order. */
  private async importAll(findings: AsffFinding[], deadlineMs: number): Promise<Array<string | null>> {
    const left = deadlineMs - this.now();
    if (left <= 0) throw new SecurityHubImportError('not tried: the delivery deadline had passed', true);
    let output;
    try {
      output = await this.options.client.send(new BatchImportFindingsCommand({ Findings: findings as AwsSecurityFinding[] }), { abortSignal: AbortSignal.timeout(Math.min(left, 2 ** 31 - 1)) });
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const retryable = name === 'LimitExceededException' || name === 'ThrottlingException' || name === 'TimeoutError' || name === 'AbortError' || (status !== undefined && status >= 500) || status === 429 || status === undefined;
      throw new SecurityHubImportError(`BatchImportFindings failed: ${name}: ${String((error as Error).message).slice(0, 300)}`, retryable, { cause: error });
    }
    const refused = new Map((output.FailedFindings ?? []).map((failed) => [failed.Id, `${failed.ErrorCode ?? 'Error'}: ${failed.ErrorMessage ?? ''}`.slice(0, 300)]));
    return findings.map((finding) => refused.get(finding.Id) ?? null);
  }
}
