/**
 * Rendering cost of one alert in every form (Slack, SNS, terminal, JSON): the first alert of the process loads the
 * managed-policy index (2 MB of JSON) and files it by service, a new action reads only its service's patterns, the
 * next alerts of an action hit the per-action cache.
 */
import { alertJson } from '../lambdas/core/render/json.js';
import { buildSlackMessage } from '../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../lambdas/core/render/sns.js';
import { renderAlertText } from '../lambdas/core/render/text.js';
import type { AlertSummary } from '../lambdas/core/alert.js';
import { ec2Everything, lambdaLogStreams } from '../test/render/alerts.js';

function renderAll(alert: AlertSummary): void {
  buildSlackMessage(alert);
  buildSnsMessage(alert);
  renderAlertText(alert);
  alertJson(alert);
}

function ms(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Prints first-render and cached-render times and their ratio. */
export async function benchRender(): Promise<void> {
  const first = ms(() => renderAll(lambdaLogStreams));
  const secondAction = ms(() => renderAll(ec2Everything));
  let cached = Infinity;
  for (let run = 0; run < 20; run++) cached = Math.min(cached, ms(() => renderAll({ ...lambdaLogStreams, count: run + 5 })));
  console.log('render: one alert in four forms (Slack, SNS, terminal, JSON)');
  console.log(`  first alert (index load + filing) ${first.toFixed(1)} ms`);
  console.log(`  first alert of another action     ${secondAction.toFixed(1)} ms (one service's patterns; ${(first / secondAction).toFixed(0)}x less than the first)`);
  console.log(`  same action again (cached)        ${cached.toFixed(2)} ms  (${(secondAction / cached).toFixed(0)}x faster than a lookup)`);
}


