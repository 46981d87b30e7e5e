/**
 * Preflight: a resource the stack creates under a fixed name already exists outside the stack, so CloudFormation's
 * create would fail ("already exists") and roll the stack back.
 *
 * The stack names few resources itself: its tables, topics and queues get names CloudFormation generates, so they
 * cannot collide; the fixed names are the central event bus (`denial-alerter-central`) and, in organization mode, the
 * StackSet (`<stack>-members`). A resource the deployed stack already owns (CloudFormation ListStackResources) is an
 * update, not a collision.
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** One fixed name and what preflight found. */
export interface NamedResourceFacts {
  /** `event bus`, `StackSet`, … */
  readonly kind: string;
  readonly name: string;
  /** Whether a resource of that name exists, and whether the stack owns it. */
  readonly state: 'absent' | 'owned-by-stack' | 'exists-outside-stack' | CallFailure;
  /** How to remove or rename it. */
  readonly fix: string;
}

/** One result over all fixed names. */
export function judgeNameCollisions(stackName: string, resources: readonly NamedResourceFacts[]): CheckResult {
  const id = 'name-collisions';
  const title = 'Fixed resource names free';
  const collisions = resources.filter((resource) => resource.state === 'exists-outside-stack');
  if (collisions.length > 0) {
    return {
      id,
      title,
      verdict: 'fail',
      detail: `${collisions.map((resource) => `${resource.kind} "${resource.name}"`).join(', ')} already ${collisions.length > 1 ? 'exist' : 'exists'} outside stack ${stackName}: CloudFormation would fail to create ${collisions.length > 1 ? 'them' : 'it'}`,
      fix: collisions.map((resource) => resource.fix).join('; '),
    };
  }
  const failed = resources.find((resource) => typeof resource.state === 'object');
  if (failed && typeof failed.state === 'object') return uncheckedResult(id, title, failed.state);
  return {
    id,
    title,
    verdict: 'pass',
    detail: `${resources.map((resource) => `${resource.kind} "${resource.name}"`).join(', ')}: ${resources.every((resource) => resource.state === 'absent') ? 'free' : 'free or already the stack\'s'}; tables, topics and queues get generated names`,
  };
}
