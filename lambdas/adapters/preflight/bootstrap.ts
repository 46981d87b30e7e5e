/**
 * The CDK bootstrap of this account and Region: the `CDKToolkit` stack and its output `BootstrapVersion`
 * (CloudFormation DescribeStacks), or, when DescribeStacks is not allowed, SSM parameter
 * `/cdk-bootstrap/<qualifier>/version`, the value the template's CheckBootstrapVersion rule reads.
 */
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { BootstrapFacts } from '../../core/preflight/bootstrap.js';
import type { CallFailure } from '../../core/preflight/checklist.js';
import { attempt, isCallFailure } from './aws-call.js';

const NOT_FOUND = { found: false } as const;

/** CloudFormation says "Stack with id X does not exist" as a `ValidationError`. */
export const stackMissing = (error: { name?: string; message?: string }) => error.name === 'ValidationError' && /does not exist/.test(error.message ?? '');

/** The bootstrap stack's status and version. */
export async function gatherBootstrap(cloudformation: CloudFormationClient, ssm: SSMClient, options: { toolkitStackName?: string; qualifier?: string } = {}): Promise<BootstrapFacts | CallFailure> {
  const stackName = options.toolkitStackName ?? 'CDKToolkit';
  const described = await attempt('cloudformation:DescribeStacks', 'CloudFormation', () => cloudformation.send(new DescribeStacksCommand({ StackName: stackName })), (error) => (stackMissing(error) ? NOT_FOUND : undefined));
  if (!isCallFailure(described)) {
    if ('found' in described) return described;
    const stack = described.Stacks?.[0];
    if (!stack) return NOT_FOUND;
    const output = stack.Outputs?.find((candidate) => candidate.OutputKey === 'BootstrapVersion')?.OutputValue;
    const version = output !== undefined && /^\d+$/.test(output) ? Number(output) : undefined;
    return { found: true, from: 'CDKToolkit stack', status: stack.StackStatus, ...(version !== undefined ? { version } : {}) };
  }
  if (described.kind !== 'denied') return described;
  const parameter = await attempt('ssm:GetParameter', 'SSM', () => ssm.send(new GetParameterCommand({ Name: `/cdk-bootstrap/${options.qualifier ?? 'hnb659fds'}/version` })), (error) =>
    error.name === 'ParameterNotFound' ? NOT_FOUND : undefined,
  );
  if (isCallFailure(parameter)) return { ...described, permission: 'cloudformation:DescribeStacks (or ssm:GetParameter)' };
  if ('found' in parameter) return parameter;
  const value = parameter.Parameter?.Value;
  return { found: true, from: 'SSM parameter', ...(value && /^\d+$/.test(value) ? { version: Number(value) } : {}) };
}
