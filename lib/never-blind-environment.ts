/**
 * The handler's "never blind" environment, from the central construct (`lambdas/config/never-blind.ts` names it): the
 * alerter's own resources (a change to one of them is a blinding alert), the forwarders' role names (their denials
 * are an operations matter), and, with the canary, where the scheduled check reports and after how long.
 *
 * What cannot be passed: the handler's own function name and its SQS event-source mapping's UUID. Both depend on the
 * function, so the function's environment cannot refer to them (CloudFormation refuses a circular dependency); the
 * handler adds its name at run time (`AWS_LAMBDA_FUNCTION_NAME`), and a mapping change names its function in the
 * record. For the same reason the canary-check schedule, which targets the function, is not in `ruleNames`.
 */
import { Stack } from 'aws-cdk-lib';
import { NEVER_BLIND_ENV } from '../lambdas/config/never-blind.js';
import type { AlerterResources } from '../lambdas/core/blinding/own-resources.js';
import { DEFAULT_CANARY_MINUTES, overdueMinutesFor } from '../lambdas/core/canary/overdue.js';
import type { DenialAlerter } from './denial-alerter.js';

/** The stack name of the forwarder the app deploys outside the organization (bin/app.ts). */
export const FORWARDER_STACK_NAME = 'DenialAlerterForwarder';

/**
 * The common prefix of what CloudFormation names in the StackSet's instances (rules, roles): the instance stack is
 * `StackSet-<StackSet name>-<UUID>`, and a generated name is `<stack name>-<logical id>-<13 characters>`, the stack
 * name cut so that the whole fits 64 characters (what CloudFormation does when a name would be too long). The
 * forwarder's role (logical id of 30 characters) leaves 19 characters of the stack name: the prefix keeps 18.
 */
export function stackSetResourcePrefix(stackSetName: string): string {
  return `StackSet-${stackSetName}`.slice(0, 18);
}

/** The variables to set on the handler. */
export function neverBlindEnvironment(alerter: DenialAlerter, options: { canary?: { scheduleMinutes?: number }; excluded?: readonly string[] } = {}): Record<string, string> {
  const stackSetName = alerter.rollout?.stackSet.stackSetName;
  const memberPrefix = stackSetName ? [`${stackSetResourcePrefix(stackSetName)}*`] : [];
  const rules = [alerter.rule, alerter.centralRule, ...alerter.changeRules].map((rule) => rule.rule.attrArn);
  const own: Omit<AlerterResources, 'functionNames' | 'eventSourceMappingIds'> = {
    ruleNames: [
      ...rules,
      alerter.forwardedAlarmsRule.ruleArn,
      ...(alerter.canary ? [alerter.canary.schedule.ruleArn] : []),
      ...(alerter.rollout?.failedInstancesRule ? [alerter.rollout.failedInstancesRule.ruleArn] : []),
      ...memberPrefix,
      `${FORWARDER_STACK_NAME}-*`,
    ],
    busNames: [alerter.centralBus.eventBusName],
    keyArns: [alerter.key.key.keyArn],
    stackSetNames: stackSetName ? [stackSetName] : [],
  };
  const stack = Stack.of(alerter);
  return {
    [NEVER_BLIND_ENV.ownResources]: stack.toJsonString(own),
    [NEVER_BLIND_ENV.forwarderRoles]: JSON.stringify([...memberPrefix, `${FORWARDER_STACK_NAME}-*`]),
    ...(options.canary
      ? {
          [NEVER_BLIND_ENV.operationsTopicArn]: alerter.operationsTopic.topic.topicArn,
          [NEVER_BLIND_ENV.canaryOverdueMinutes]: String(overdueMinutesFor(options.canary.scheduleMinutes ?? DEFAULT_CANARY_MINUTES)),
          ...((options.excluded ?? []).length > 0 ? { [NEVER_BLIND_ENV.canaryExcluded]: JSON.stringify(options.excluded) } : {}),
        }
      : {}),
  };
}
