/**
 * Whether the resources the stack creates under fixed names already exist: the central event bus (EventBridge
 * DescribeEventBus, `ResourceNotFoundException` when absent) and, in organization mode, the StackSet (CloudFormation
 * DescribeStackSet, `StackSetNotFoundException`), each compared with the deployed stack's own resources.
 */
import { DescribeStackSetCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeEventBusCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CallFailure } from '../../core/preflight/checklist.js';
import type { NamedResourceFacts } from '../../core/preflight/name-collisions.js';
import { attempt, isCallFailure } from './aws-call.js';
import type { DeployedStack } from './deployed-stack.js';

type State = NamedResourceFacts['state'];

function ownership(exists: boolean | CallFailure, stack: DeployedStack | null | CallFailure, owns: (resource: { type: string; physicalId: string }) => boolean): State {
  if (isCallFailure(exists)) return exists;
  if (!exists) return 'absent';
  if (stack === null) return 'exists-outside-stack';
  if (isCallFailure(stack)) return stack;
  if (isCallFailure(stack.resources)) return stack.resources;
  return stack.resources.some(owns) ? 'owned-by-stack' : 'exists-outside-stack';
}

/** The state of each fixed name. */
export async function gatherFixedNames(
  clients: { eventBridge: EventBridgeClient; cloudformation: CloudFormationClient },
  options: { stackName: string; busName: string; stackSet?: { name: string; callAs: 'SELF' | 'DELEGATED_ADMIN' }; region: string },
  stack: DeployedStack | null | CallFailure,
): Promise<NamedResourceFacts[]> {
  const bus = await attempt('events:DescribeEventBus', 'EventBridge', async () => Boolean(await clients.eventBridge.send(new DescribeEventBusCommand({ Name: options.busName }))), (error) =>
    error.name === 'ResourceNotFoundException' ? false : undefined,
  );
  const facts: NamedResourceFacts[] = [
    {
      kind: 'event bus',
      name: options.busName,
      state: ownership(bus as boolean | CallFailure, stack, (resource) => resource.type === 'AWS::Events::EventBus' && (resource.physicalId === options.busName || resource.physicalId.endsWith(`/${options.busName}`))),
      fix: `delete the bus if nothing uses it (aws events delete-event-bus --region ${options.region} --name ${options.busName}; its rules first), or deploy in another Region`,
    },
  ];
  if (options.stackSet) {
    const { name, callAs } = options.stackSet;
    const stackSet = await attempt('cloudformation:DescribeStackSet', 'CloudFormation', async () => Boolean(await clients.cloudformation.send(new DescribeStackSetCommand({ StackSetName: name, CallAs: callAs }))), (error) =>
      error.name === 'StackSetNotFoundException' ? false : undefined,
    );
    facts.push({
      kind: 'StackSet',
      name,
      state: ownership(stackSet as boolean | CallFailure, stack, (resource) => resource.type === 'AWS::CloudFormation::StackSet' && (resource.physicalId === name || resource.physicalId.startsWith(`${name}:`))),
      fix: `delete the StackSet ${name} (its stack instances first), or deploy the app under another stack name`,
    });
  }
  return facts;
}
