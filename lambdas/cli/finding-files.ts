/**
 * `replay --asff FILE` / `--ocsf FILE`: the replay's alerts as findings, one JSON object per line, so that a back-test
 * feeds Security Hub (through `aws securityhub batch-import-findings`) or a SIEM / data lake that reads OCSF.
 *
 * Findings follow incidents in event time (`core/findings/lifecycle.ts`): an alert creates or updates its incident's
 * finding, and an incident quiet for the quiet period is closed (ASFF `RecordState: ARCHIVED`, OCSF activity Close).
 * The ASFF `ProductArn` and `AwsAccountId` are the alert's own account's default product in the alert's Region (the
 * import a process in that account could make); an alert without a 12-digit account id gets no ASFF finding.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AlertSummary } from '../core/alert.js';
import type { Settings } from '../core/config.js';
import { archivedFinding, asffFinding } from '../core/findings/asff.js';
import { findingContent } from '../core/findings/content.js';
import { incidentQuietPeriod } from '../core/findings/incident.js';
import { FindingLifecycle, type FindingEvent } from '../core/findings/lifecycle.js';
import { ocsfDetectionFinding } from '../core/findings/ocsf.js';
import type { ReplayObserver } from '../replay/pipeline.js';

/** The package's version: OCSF `metadata.product.version`. */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/** The finding files being written, and the observer that feeds them. */
export interface FindingFiles {
  observer: ReplayObserver;
  /** Closes the incidents quiet by the last alert's time, then the files. Resolves with what was written. */
  close(): Promise<{ asff: number; ocsf: number; skipped: number }>;
}

/** Opens the files named; null when neither is. */
export function startFindingFiles(paths: { asff?: string; ocsf?: string }, settings: Settings, productVersion: string): FindingFiles | null {
  if (!paths.asff && !paths.ocsf) return null;
  const asffOut = paths.asff ? createWriteStream(paths.asff) : null;
  const ocsfOut = paths.ocsf ? createWriteStream(paths.ocsf) : null;
  const lifecycle = new FindingLifecycle(incidentQuietPeriod(settings));
  const written = { asff: 0, ocsf: 0, skipped: 0 };
  const lastAsff = new Map<string, ReturnType<typeof asffFinding>>();
  let latestMs = 0;

  const write = (event: FindingEvent) => {
    const { alert, incident, activity, atMs } = event;
    const at = new Date(atMs).toISOString();
    const content = findingContent(alert);
    if (asffOut) {
      if (alert.accountId && /^\d{12}$/.test(alert.accountId)) {
        const region = alert.region && REGION.test(alert.region) ? alert.region : 'us-east-1';
        const previous = lastAsff.get(incident.incidentId);
        const finding = activity === 'close' && previous ? archivedFinding(previous, at) : asffFinding(alert, { productAccountId: alert.accountId, region, incident, activity, updatedAt: at }, content);
        lastAsff.set(incident.incidentId, finding);
        if (activity === 'close') lastAsff.delete(incident.incidentId);
        asffOut.write(`${JSON.stringify(finding)}\n`);
        written.asff++;
      } else {
        written.skipped++;
      }
    }
    if (ocsfOut) {
      ocsfOut.write(`${JSON.stringify(ocsfDetectionFinding(alert, { incident, activity, timeMs: atMs, productVersion }, content))}\n`);
      written.ocsf++;
    }
  };

  return {
    observer: {
      records: () => undefined,
      alerts(alerts: readonly AlertSummary[]) {
        for (const alert of alerts) {
          for (const event of lifecycle.next(alert)) {
            latestMs = Math.max(latestMs, event.atMs);
            write(event);
          }
        }
      },
      summary: () => undefined,
    },
    async close() {
      for (const event of lifecycle.closeQuiet(latestMs)) write(event);
      await Promise.all([asffOut, ocsfOut].filter((out): out is WriteStream => out !== null).map(async (out) => {
        out.end();
        await once(out, 'finish');
      }));
      return written;
    },
  };
}

/** One observer that tells each of several (the HTML report, the finding files). */
export function bothObservers(...observers: Array<ReplayObserver | undefined>): ReplayObserver | undefined {
  const present = observers.filter((observer): observer is ReplayObserver => observer !== undefined);
  if (present.length <= 1) return present[0];
  return {
    records: (records) => present.forEach((observer) => observer.records(records)),
    alerts: (alerts) => present.forEach((observer) => observer.alerts(alerts)),
    summary: (summary) => present.forEach((observer) => observer.summary(summary)),
  };
}
