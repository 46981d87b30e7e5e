/**
 * Every call the deployed system makes is permitted (issue 19, item 4), proven with the project's own IAM evaluator
 * against the synthesized identity, boundary, resource (topic, queue, bus, function), trust and key policies of every
 * variant: the rows of test/stack/support/call-table.ts, decided by test/stack/support/call-permissions.ts.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';
import type { CfnTemplate } from '../../lib/limits/template-placeholders.js';
import { canaryCalls, centralCalls, forwarderCalls, memberCalls, type Call } from './support/call-table.js';
import { decideCall, refusalMessage } from './support/call-permissions.js';
import { callsOf, handlerFiles } from './support/handler-calls.js';
import { centralVariant, CENTRAL_CONTEXTS, forwarderVariant, organizationMember, PLACE, type CentralVariant, type VariantTemplate } from './support/variants.js';

interface Checked {
  readonly variant: string;
  readonly calls: Call[];
}

/** The forwarder stack's canary calls (it deploys one unless told not to). */
function canariesOf(variant: ReturnType<typeof forwarderVariant>): Call[] {
  const { forwarderStack } = variant.built;
  return forwarderStack.canary ? canaryCalls(variant, forwarderStack, forwarderStack.canary) : [];
}

describe('every call the deployed system depends on is allowed by the synthesized policies', () => {
  const central = new Map<string, CentralVariant>();
  const checked: Checked[] = [];
  let member: VariantTemplate & { stack: ReturnType<typeof organizationMember>['stack'] };
  beforeAll(() => {
    for (const [name, context] of Object.entries(CENTRAL_CONTEXTS)) {
      const variant = centralVariant(name);
      central.set(name, variant);
      checked.push({ variant: name, calls: centralCalls(variant, context) });
    }
    const organization = central.get('organization')!;
    member = organizationMember(organization);
    checked.push({ variant: member.name, calls: memberCalls(member, member.stack, organization) });
    // The forwarder stack: in a member account of the organization, and in another Region of the central account.
    const inMember = forwarderVariant({ organizationId: PLACE.organizationId, name: 'forwarder stack (member account of the organization)' });
    checked.push({ variant: inMember.name, calls: [...forwarderCalls(inMember, inMember.built.forwarderStack, inMember.built.forwarderStack.forwarder, organization), ...canariesOf(inMember)] });
    const inRegion = forwarderVariant({ account: PLACE.centralAccount, name: 'forwarder stack (another Region of the central account)' });
    checked.push({ variant: inRegion.name, calls: [...forwarderCalls(inRegion, inRegion.built.forwarderStack, inRegion.built.forwarderStack.forwarder, central.get('default')!), ...canariesOf(inRegion)] });
    const outside = forwarderVariant({ account: PLACE.externalAccount, name: 'forwarder stack (an account outside the organization, context externalAccounts)' });
    checked.push({ variant: outside.name, calls: [...forwarderCalls(outside, outside.built.forwarderStack, outside.built.forwarderStack.forwarder, central.get('external accounts')!), ...canariesOf(outside)] });
  }, 180_000);

  it('refuses none of them, in any variant (and refuses those the system expects refused)', () => {
    expect(checked.map(({ variant, calls }) => [variant, calls.length > 0])).toEqual(checked.map(({ variant }) => [variant, true]));
    const refusals = checked
      .flatMap(({ variant, calls }) => calls.map((call) => ({ variant, verdict: decideCall(call) })))
      .filter(({ verdict }) => verdict.decision.decision !== (verdict.call.expected ?? 'allowed'));
    expect(refusals.map(({ variant, verdict }) => refusalMessage(variant, verdict))).toEqual([]);
  });

  it('holds every canary\'s probe, refused by its own role\'s explicit Deny, in the central, member and forwarder templates', () => {
    const probes = checked.filter(({ calls }) => calls.some((call) => call.action === 'ssm:PutParameter' && call.expected === 'explicit-deny'));
    expect(probes.map(({ variant }) => variant)).toEqual(expect.arrayContaining(['default', member.name, 'forwarder stack (member account of the organization)']));
  });

  it('checks the member template the StackSet deploys', () => {
    expect(member.template).toEqual(central.get('organization')!.member!.template as CfnTemplate);
  });

  it('holds the two calls review found refused: alarms to the operations topic, and Query on the byTime index', () => {
    const all = checked.flatMap(({ calls }) => calls);
    expect(all.some((call) => 'service' in call.principal && call.principal.service === 'cloudwatch.amazonaws.com' && call.action === 'sns:Publish')).toBe(true);
    expect(all.some((call) => call.caller.startsWith('the handler') && call.action === 'dynamodb:Query' && JSON.stringify(call.resource).includes(`/index/${TABLE_SCHEMA.indexes.byTime.name}`))).toBe(true);
  });

  it('would fail if either fix were taken out', () => {
    const variant = central.get('default')!;
    const calls = centralCalls(variant, CENTRAL_CONTEXTS.default!);
    const without = (drop: (statement: Record<string, unknown>) => boolean): CentralVariant => {
      const template = structuredClone(variant.template) as CfnTemplate;
      for (const resource of Object.values(template.Resources!)) {
        const document = resource.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> } | undefined;
        if (document) document.Statement = document.Statement.filter((statement) => !drop(statement));
      }
      return { ...variant, template };
    };
    const refusedIn = (changed: CentralVariant, pick: (call: Call) => boolean) =>
      calls
        .filter(pick)
        .map((call) => decideCall({ ...call, resourceIn: changed, principal: 'role' in call.principal ? { ...call.principal, in: changed } : call.principal }))
        .map((verdict) => `${verdict.call.action} ${verdict.decision.decision} ${verdict.decision.missingAllows.join(',')}`);
    const alarm = (call: Call) => 'service' in call.principal && call.principal.service === 'cloudwatch.amazonaws.com' && call.action === 'sns:Publish';
    expect(new Set(refusedIn(without((statement) => statement.Sid === 'CloudWatchAlarms'), alarm))).toEqual(new Set(['sns:Publish implicit-deny resource-policy']));
    const byTime = (call: Call) => call.action === 'dynamodb:Query' && JSON.stringify(call.resource).includes('/index/byTime');
    expect(refusedIn(without((statement) => statement.Sid === 'DenialTableByTime'), byTime)).toEqual(['dynamodb:Query implicit-deny identity-policy']);
  });

  it('lets EventBridge use the data key even without the source keys, and CloudWatch only with them', () => {
    const calls = checked.find(({ variant }) => variant === 'default')!.calls.filter((call) => 'service' in call.principal && call.action.startsWith('kms:'));
    const withoutSourceKeys = (service: string) =>
      new Set(
        calls
          .filter((call) => 'service' in call.principal && call.principal.service === service)
          .map((call) => decideCall({ ...call, context: Object.fromEntries(Object.entries(call.context ?? {}).filter(([key]) => !key.startsWith('aws:Source'))) }).decision.decision),
      );
    expect(withoutSourceKeys('events.amazonaws.com')).toEqual(new Set(['allowed']));
    // The DataKey's CloudWatch grant requires aws:SourceAccount (lib/constructs/data-key.ts).
    expect(withoutSourceKeys('cloudwatch.amazonaws.com')).toEqual(new Set(['undetermined']));
  });

  it('honours a permissions boundary on a caller\'s role (as an organization may impose on every role)', () => {
    const variant = central.get('default')!;
    const template = structuredClone(variant.template) as CfnTemplate;
    const handlerRole = variant.stack.getLogicalId(variant.alerter.handler.role.node.defaultChild as CfnElement);
    template.Resources!.Boundary = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] } } };
    template.Resources![handlerRole]!.Properties!.PermissionsBoundary = { Ref: 'Boundary' };
    const bounded: CentralVariant = { ...variant, template };
    const decide = (action: string) => {
      const call = centralCalls(variant, CENTRAL_CONTEXTS.default!).find((row) => row.caller.startsWith('the handler') && row.action === action)!;
      const verdict = decideCall({ ...call, resourceIn: bounded, principal: { role: handlerRole, in: bounded } });
      return [verdict.decision.decision, verdict.decision.missingAllows];
    };
    expect(decide('sns:Publish')).toEqual(['implicit-deny', ['permissions-boundary']]);
    expect(decide('dynamodb:UpdateItem')).toEqual(['allowed', []]);
  });

  it('refuses a forwarder of an account the central bus does not name (the evaluation is not a formality)', () => {
    const outside = forwarderVariant({ account: PLACE.externalAccount, name: 'forwarder stack outside the organization' });
    const putEvents = forwarderCalls(outside, outside.built.forwarderStack, outside.built.forwarderStack.forwarder, central.get('organization')!).find((call) => call.action === 'events:PutEvents')!;
    const verdict = decideCall(putEvents);
    expect([verdict.decision.decision, verdict.decision.missingAllows]).toEqual(['implicit-deny', ['resource-policy']]);
  });

  it('covers every AWS call the handler code makes (its SDK commands)', () => {
    const made = callsOf(handlerFiles());
    expect(made.length).toBeGreaterThan(20);
    const inTable = new Set(checked.flatMap(({ calls }) => calls.filter((call) => call.caller.includes('handler')).map((call) => call.action)));
    expect(made.filter((action) => !inTable.has(action))).toEqual([]);
  });

  it('covers every index the store queries or scans', () => {
    const source = readFileSync(new URL('../../lambdas/adapters/dynamodb-denial-store.ts', import.meta.url), 'utf8');
    const used = [...source.matchAll(/(ScanCommand|QueryCommand|queryAll)\(\s*\{[^}]*?IndexName: TABLE_SCHEMA\.indexes\.(\w+)\.name/g)].map(
      ([, command, index]) => `dynamodb:${command === 'ScanCommand' ? 'Scan' : 'Query'} ${TABLE_SCHEMA.indexes[index as keyof typeof TABLE_SCHEMA.indexes].name}`,
    );
    expect(used.length).toBeGreaterThanOrEqual(2);
    const rows = new Set(
      checked[0]!.calls.filter((call) => call.caller.startsWith('the handler') && call.action.startsWith('dynamodb:')).flatMap((call) => {
        const index = /\/index\/(\w+)/.exec(JSON.stringify(call.resource))?.[1];
        return index ? [`${call.action} ${index}`] : [];
      }),
    );
    expect(used.filter((entry) => !rows.has(entry))).toEqual([]);
  });
});
