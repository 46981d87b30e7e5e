/**
 * The app's own stack if it is already deployed (a preflight before an update): its outputs (the topics) and its
 * resources' physical ids (a fixed name the stack already owns is no collision). CloudFormation DescribeStacks and
 * ListStackResources: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html.
 */
import { DescribeStacksCommand, ListStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CallFailure } from '../../core/preflight/checklist.js';
import { attempt, isCallFailure } from './aws-call.js';
import { stackMissing } from './bootstrap.js';

/** The deployed stack, or `null` before the first deploy. */
export interface DeployedStack {
  readonly outputs: Readonly<Record<string, string>>;
  /** Physical ids by resource type. */
  readonly resources: ReadonlyArray<{ readonly type: string; readonly physicalId: string }> | CallFailure;
}

/** Reads the stack named `stackName`. */
export async function gatherDeployedStack(cloudformation: CloudFormationClient, stackName: string): Promise<DeployedStack | null | CallFailure> {
  const described = await attempt('cloudformation:DescribeStacks', 'CloudFormation', () => cloudformation.send(new DescribeStacksCommand({ StackName: stackName })), (error) => (stackMissing(error) ? null : undefined));
  if (described === null || isCallFailure(described)) return described;
  const stack = described.Stacks?.[0];
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return null;
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  const resources = await attempt('cloudformation:ListStackResources', 'CloudFormation', async () => {
    const found: Array<{ type: string; physicalId: string }> = [];
    let NextToken: string | undefined;
    do {
      const page = await cloudformation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
      for (const resource of page.StackResourceSummaries ?? []) found.push({ type: resource.ResourceType ?? '', physicalId: resource.PhysicalResourceId ?? '' });
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  });
  return { outputs, resources };
}
