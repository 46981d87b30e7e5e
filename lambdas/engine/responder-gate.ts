/**
 * The engine obeys Slack responders: before an alert leaves the outbox, its fingerprint's Snooze and Expected
 * suppression are read (`ResponderStore`) and the pure verdict (`core/responder/suppression.ts`) decides. A silenced
 * alert goes to no channel, is marked done in the outbox (it is not pending) and leaves an audit line ("alert
 * suppressed: snoozed by U… until …"), which `history --responses` shows. The alert itself stays in the table.
 *
 * Fails open: when the state cannot be read, the alert is delivered (an unwanted alert beats a lost one).
 */
import { suppressedAlertAudit } from '../core/responder/actions.js';
import { describeVerdict, responderVerdict, type ResponderVerdict } from '../core/responder/suppression.js';
import type { AlertPublisher } from './alert-publisher.js';
import type { ResponderStore } from './responder-store.js';

export interface ResponderGateDeps {
  store: ResponderStore;
  now: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** The verdict for one fingerprint now (fails open: an unreadable state silences nothing). */
export async function verdictFor(deps: ResponderGateDeps, fingerprint: string): Promise<ResponderVerdict> {
  try {
    const [snooze, expected] = await Promise.all([deps.store.snooze(fingerprint, deps.now()), deps.store.expected(fingerprint)]);
    return responderVerdict(snooze, expected, deps.now());
  } catch (error) {
    deps.log?.('warn', 'could not read the responders\' snooze or Expected; the alert goes out', { fingerprint, error: (error as Error).message });
    return { silent: false };
  }
}

/** Wraps a publisher so that snoozed and expected fingerprints stay silent. */
export function obeyResponders(publisher: AlertPublisher, deps: ResponderGateDeps): AlertPublisher {
  return {
    async publish(requests, options) {
      const verdicts = await Promise.all(requests.map((request) => verdictFor(deps, request.alert.fingerprint)));
      const passing = requests.filter((_, index) => !verdicts[index]!.silent);
      await Promise.all(
        requests.map(async (request, index) => {
          const verdict = verdicts[index]!;
          if (!verdict.silent) return;
          try {
            await deps.store.audit(suppressedAlertAudit(request.alert.fingerprint, request.alert.alertId, describeVerdict(verdict), deps.now()));
          } catch (error) {
            deps.log?.('warn', 'could not audit a suppressed alert', { alertId: request.alert.alertId, error: (error as Error).message });
          }
        }),
      );
      return passing.length === 0 ? [] : publisher.publish(passing, options);
    },
  };
}
