/**
 * Preflight: each Slack webhook secret the stack names (context `slackWebhookSecretName`, and every route's) exists,
 * is readable by the caller, and holds an `https://hooks.slack.com/` URL, in one of the shapes the handler accepts
 * (`lambdas/adapters/slack-webhook-secret.ts`: the URL, or JSON `{"url": …}` / `{"webhookUrl": …}`). The value is
 * never printed: the facts carry only its shape and host.
 *
 * Secrets Manager GetSecretValue errors: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * (`ResourceNotFoundException`, `DecryptionFailure`, `InvalidRequestException` for a secret scheduled for deletion).
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** What reading one secret found (never its value). */
export type SlackSecretState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'not-a-url'; readonly reason: string }
  | { readonly kind: 'url'; readonly slack: boolean; readonly host: string };

export interface SlackSecretFacts {
  readonly name: string;
  /** Routes using it (`default` for context `slackWebhookSecretName`). */
  readonly usedBy: readonly string[];
  readonly state: SlackSecretState | CallFailure;
}

const SLACK_PREFIX = 'https://hooks.slack.com/';

/** Whether a webhook URL is a Slack incoming webhook (`https://hooks.slack.com/…`). */
export function isSlackWebhookUrl(url: string): boolean {
  return url.startsWith(SLACK_PREFIX);
}

/** One result per secret. */
export function judgeSlackSecrets(secrets: readonly SlackSecretFacts[], region: string): CheckResult[] {
  return secrets.map(({ name, usedBy, state }) => {
    const id = `slack-secret:${name}`;
    const title = `Slack webhook secret "${name}"`;
    const create = `aws secretsmanager create-secret --region ${region} --name ${name} --secret-string 'https://hooks.slack.com/services/…'`;
    const put = `aws secretsmanager put-secret-value --region ${region} --secret-id ${name} --secret-string 'https://hooks.slack.com/services/…' (the URL itself, or {"url": "…"})`;
    const routes = `route${usedBy.length > 1 ? 's' : ''} ${usedBy.join(', ')}`;
    if ('permission' in state) return uncheckedResult(id, title, state);
    switch (state.kind) {
      case 'missing':
        return { id, title, verdict: 'fail', detail: `no such secret in ${region} (${routes}): the deploy fails to resolve it, or alerts never reach Slack`, fix: create };
      case 'unreadable':
        return { id, title, verdict: 'fail', detail: `the secret cannot be read: ${state.reason}`, fix: put };
      case 'not-a-url':
        return { id, title, verdict: 'fail', detail: `the secret does not hold a webhook URL: ${state.reason}`, fix: put };
      case 'url':
        if (state.slack) return { id, title, verdict: 'pass', detail: `holds an ${SLACK_PREFIX} URL (${routes})` };
        return { id, title, verdict: 'warn', detail: `holds a URL on ${state.host}, not ${SLACK_PREFIX}: the handler posts Slack Block Kit there`, fix: `if this is not a Slack-compatible relay, ${put}` };
    }
  });
}

/** Pending e-mail subscriptions of the stack's topics (`SubscriptionArn` "PendingConfirmation" in ListSubscriptionsByTopic). */
export interface PendingSubscriptionFacts {
  /** Topics found (from the deployed stack's outputs); empty before the first deploy. */
  readonly topics: ReadonlyArray<{ readonly name: string; readonly pendingEmails: readonly string[] | CallFailure }>;
}

/** Warns about e-mail subscriptions never confirmed: nothing is sent to them until the link in AWS's e-mail is followed. */
export function judgePendingSubscriptions(facts: PendingSubscriptionFacts | CallFailure): CheckResult {
  const id = 'email-subscriptions';
  const title = 'E-mail subscriptions confirmed';
  if ('permission' in facts) return uncheckedResult(id, title, facts);
  if (facts.topics.length === 0) return { id, title, verdict: 'pass', detail: 'the stack is not deployed yet: confirm the subscription e-mails AWS sends after cdk deploy' };
  const failure = facts.topics.map((topic) => topic.pendingEmails).find((pending): pending is CallFailure => 'permission' in pending);
  const pending = facts.topics.flatMap((topic) => ('permission' in topic.pendingEmails ? [] : topic.pendingEmails.map((email) => `${email} (${topic.name})`)));
  if (pending.length > 0) {
    return { id, title, verdict: 'warn', detail: `pending confirmation, so receiving nothing: ${pending.join(', ')}`, fix: 'follow the link in the "AWS Notification - Subscription Confirmation" e-mail (it expires after 3 days; re-subscribe from the SNS console after that)' };
  }
  if (failure) return uncheckedResult(id, title, failure);
  return { id, title, verdict: 'pass', detail: `no pending e-mail subscription on ${facts.topics.map((topic) => topic.name).join(', ')}` };
}
