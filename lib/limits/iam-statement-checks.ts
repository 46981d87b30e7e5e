/**
 * IAM statements that AWS accepts as written (issue 19, item 3), checked against the Service Authorization Reference:
 *
 * - every condition key is a global condition key (IAM User Guide, "AWS global condition context keys",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html) or one that an action of
 *   the statement supports, for the action itself or for one of its resource types (Service Authorization Reference,
 *   "Actions, resources, and condition keys for AWS services": the "Condition keys" columns of the actions and
 *   resource types tables);
 * - every `Resource` ARN fits the ARN format of a resource type of one of the statement's actions, every action is
 *   granted on at least one resource it can be scoped to, and an action that supports no resource type (the
 *   reference's empty "Resource types" column) is granted only on `"*"` (IAM User Guide, "IAM JSON policy elements:
 *   Resource": "If the action does not support resource-level permissions, you must use an asterisk").
 *
 * The catalogue comes in as an argument ({@link IamCatalogue}); statements come in with their CloudFormation tokens
 * already resolved (`template-placeholders.ts`). Pure.
 */
import { actionMatches } from '../../lambdas/core/iam-policy/matching.js';
import type { Statement } from '../../lambdas/core/iam-policy/types.js';

/** What the reference says about one action. */
export interface CatalogueAction {
  /** `service:Action`, as the reference spells it. */
  readonly name: string;
  /** Its resource types (empty: only `"*"`), each with the condition keys listed for it on this action. */
  readonly resourceTypes: ReadonlyArray<{ readonly name: string; readonly conditionKeys: readonly string[] }>;
  /** Condition keys of the action itself. */
  readonly conditionKeys: readonly string[];
}

/** The Service Authorization Reference, as far as these checks need it. */
export interface IamCatalogue {
  /** Every action of a service prefix (empty for an unknown prefix). */
  actionsOf(service: string): readonly CatalogueAction[];
  /** The ARN format of a resource type (`arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`), and its own condition keys. */
  resourceType(service: string, type: string): { readonly arn: string; readonly conditionKeys: readonly string[] } | undefined;
  /** True for a global condition key (`aws:SourceArn`, `aws:PrincipalTag/team`). */
  isGlobalConditionKey(key: string): boolean;
}

/** A problem found in one statement. */
export interface StatementProblem {
  readonly kind: 'condition-key' | 'resource' | 'unknown-action';
  readonly message: string;
}

/** The actions a statement's `Action` names (wildcards expanded over the catalogue); NotAction statements give []. */
export function actionsOfStatement(statement: Statement, catalogue: IamCatalogue): { pattern: string; actions: CatalogueAction[] }[] {
  if (statement.Action === undefined) return [];
  return [statement.Action].flat().map((pattern) => {
    if (pattern === '*') return { pattern, actions: [] };
    const service = pattern.slice(0, pattern.indexOf(':'));
    return { pattern, actions: catalogue.actionsOf(service).filter((action) => actionMatches(pattern, action.name)) };
  });
}

/** The condition keys a key pattern of the reference covers (`aws:ResourceTag/${TagKey}` covers `aws:ResourceTag/team`). */
export function conditionKeyMatches(listed: string, used: string): boolean {
  const variable = listed.indexOf('${');
  if (variable < 0) return listed.toLowerCase() === used.toLowerCase();
  const prefix = listed.slice(0, variable).toLowerCase();
  return used.toLowerCase().startsWith(prefix) && used.length > prefix.length;
}

/**
 * Condition keys the statement uses that are neither global nor supported by any of its actions (or their resource
 * types).
 *
 * @example conditionKeyProblems({ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringLike: { 's3:prefixes': 'a/*' } } }, catalogue)
 * // [{ kind: 'condition-key', message: 'condition key "s3:prefixes" is neither global nor supported by s3:ListBucket' }]
 */
export function conditionKeyProblems(statement: Statement, catalogue: IamCatalogue): StatementProblem[] {
  const problems: StatementProblem[] = [];
  const named = actionsOfStatement(statement, catalogue);
  const actions = named.flatMap((entry) => entry.actions);
  const keysOf = (action: CatalogueAction) => {
    const service = action.name.slice(0, action.name.indexOf(':'));
    return [
      ...action.conditionKeys,
      ...action.resourceTypes.flatMap((type) => [...type.conditionKeys, ...(catalogue.resourceType(service, type.name)?.conditionKeys ?? [])]),
    ];
  };
  for (const entries of Object.values(statement.Condition ?? {})) {
    for (const key of Object.keys(entries ?? {})) {
      if (catalogue.isGlobalConditionKey(key)) continue;
      // NotAction (or Action "*") applies to actions of any service: only a global key is sure to be supported.
      const supported = actions.some((action) => keysOf(action).some((listed) => conditionKeyMatches(listed, key)));
      if (!supported) {
        const what = statement.Action === undefined ? 'a NotAction statement (only global keys apply to every action)' : named.map((entry) => entry.pattern).join(', ');
        problems.push({ kind: 'condition-key', message: `condition key "${key}" is neither global nor supported by ${what}` });
      }
    }
  }
  return problems;
}

/**
 * Resources that fit no resource type of the statement's actions, actions that fit none of its resources, and
 * actions without resource types granted on something other than `"*"`. Statements with `NotResource`, without
 * `Resource` (trust policies) or with `NotAction` are not checked.
 *
 * @example resourceProblems({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sns:eu-west-1:111122223333:alerts' }, catalogue)
 * // [{ kind: 'resource', message: 'sqs:SendMessage is granted on none of its resource types (queue): arn:aws:sns:…' }, …]
 */
export function resourceProblems(statement: Statement, catalogue: IamCatalogue): StatementProblem[] {
  if (statement.Resource === undefined || statement.Action === undefined) return [];
  const resources = [statement.Resource].flat().map(String);
  const problems: StatementProblem[] = [];
  const fittedResources = new Set<string>();
  for (const { pattern, actions } of actionsOfStatement(statement, catalogue)) {
    if (pattern === '*') {
      resources.forEach((resource) => fittedResources.add(resource));
      continue;
    }
    if (actions.length === 0) {
      problems.push({ kind: 'unknown-action', message: `${pattern} names no action of the Service Authorization Reference` });
      continue;
    }
    let anyFits = false;
    for (const action of actions) {
      const service = action.name.slice(0, action.name.indexOf(':'));
      const formats = action.resourceTypes.flatMap((type) => {
        const found = catalogue.resourceType(service, type.name);
        return found ? [{ type: type.name, arn: found.arn }] : [];
      });
      for (const resource of resources) {
        const fits = resource === '*' || formats.some((format) => arnFitsFormat(resource, format.arn));
        if (fits) {
          fittedResources.add(resource);
          anyFits = true;
        }
      }
      // One named action (not a wildcard) must be usable on at least one of the listed resources.
      if (!pattern.includes('*') && !pattern.includes('?') && !resources.some((resource) => resource === '*' || formats.some((format) => arnFitsFormat(resource, format.arn)))) {
        problems.push({
          kind: 'resource',
          message:
            formats.length === 0
              ? `${action.name} supports no resource type, so only "Resource": "*" grants it (granted on ${resources.join(', ')})`
              : `${action.name} is granted on none of its resource types (${formats.map((format) => format.type).join(', ')}): ${resources.join(', ')}`,
        });
      }
    }
    if (!anyFits && (pattern.includes('*') || pattern.includes('?'))) {
      problems.push({ kind: 'resource', message: `no action of ${pattern} can be scoped to ${resources.join(', ')}` });
    }
  }
  for (const resource of resources) {
    if (!fittedResources.has(resource)) problems.push({ kind: 'resource', message: `${resource} fits no resource type of ${[statement.Action].flat().join(', ')}` });
  }
  return [...new Map(problems.map((problem) => [problem.message, problem])).values()];
}

/** Both checks over one statement. */
export function statementProblems(statement: Statement, catalogue: IamCatalogue): StatementProblem[] {
  return [...conditionKeyProblems(statement, catalogue), ...resourceProblems(statement, catalogue)];
}

const formatCache = new Map<string, { whole: RegExp; prefix: RegExp }>();

/**
 * Whether a Resource ARN (wildcards allowed) can name a resource of an ARN format of the reference.
 *
 * A variable of the format matches any run of characters but `:` (`BucketName` not `/` either: S3 bucket names hold
 * no slash), the format's last variable any run at all (resource ids such as object keys, paths and log streams hold
 * `/` and `:`). In the resource, `*` and `?` inside the ARN stand for a character; a trailing `*` for anything, so
 * that `…:log-group:name:*` can name a log stream of that group (the IAM User Guide's Resource element: a trailing
 * wildcard "can expand to match beyond the colon boundaries").
 *
 * @example arnFitsFormat('arn:aws:logs:eu-west-1:111122223333:log-group:/aws/x:*', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}') // true
 */
export function arnFitsFormat(resource: string, format: string): boolean {
  if (!resource.startsWith('arn:')) return false;
  let compiled = formatCache.get(format);
  if (!compiled) {
    compiled = compileFormat(format);
    formatCache.set(format, compiled);
  }
  const trailing = resource.endsWith('*');
  const body = (trailing ? resource.slice(0, -1) : resource).replace(/[*?]/g, 'x');
  if (compiled.whole.test(trailing ? `${body}x` : body)) return true;
  return trailing && compiled.prefix.test(body);
}

function compileFormat(format: string): { whole: RegExp; prefix: RegExp } {
  const tokens: string[] = [];
  const parts = format.split(/(\$\{[A-Za-z0-9]+\})/).filter((part) => part !== '');
  const lastVariable = parts.map((part) => part.startsWith('${')).lastIndexOf(true);
  parts.forEach((part, index) => {
    if (part.startsWith('${')) tokens.push(part === '${BucketName}' ? '[^:/]+' : index === lastVariable ? '.+' : '[^:]+');
    else for (const char of part) tokens.push(char.replace(/[.+^${}()|[\]\\/*?-]/g, '\\$&'));
  });
  // A prefix of an ARN of this format: every token optional from some point on.
  const prefix = tokens.reduceRight((rest, token) => `(?:${token}${rest})?`, '');
  return { whole: new RegExp(`^${tokens.join('')}$`, 's'), prefix: new RegExp(`^${prefix}$`, 's') };
}
