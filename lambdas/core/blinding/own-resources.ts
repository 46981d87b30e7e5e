/**
 * The alerter's own resources, as configuration names them (the stack passes them to the handler; `replay` takes them
 * from settings). A change to one of them can blind the alerter; the same change to someone else's rule is not ours
 * to judge.
 *
 * A name ending in `*` is a prefix: the forwarders' rules in member accounts are created by the StackSet with names
 * CloudFormation derives from the stack (`StackSet-DenialAlerter…-ForwardRule…`), which no one knows in advance, so
 * the stack passes their common prefix. A value is compared by its last path segment too, so an ARN given in a
 * record matches a configured name and the other way round.
 */

/** Names or ARNs (a trailing `*` makes a prefix) of what the alerter is made of. */
export interface AlerterResources {
  /** EventBridge rules that take denials and changes (central and forwarders). */
  ruleNames: readonly string[];
  /** The central event bus (its policy admits the organization's forwarders). */
  busNames: readonly string[];
  /** The handler function (its SQS event-source mapping feeds it). */
  functionNames: readonly string[];
  /** Event-source mapping UUIDs of the handler. */
  eventSourceMappingIds: readonly string[];
  /** KMS keys the pipeline encrypts with (queue, topic, table). */
  keyArns: readonly string[];
  /** The forwarder StackSet. */
  stackSetNames: readonly string[];
}

/** No resource known: only the changes that blind whoever owns them (a stopped trail) are recognised. */
export const NO_ALERTER_RESOURCES: AlerterResources = { ruleNames: [], busNames: [], functionNames: [], eventSourceMappingIds: [], keyArns: [], stackSetNames: [] };

/** The last `/`- or `:`-separated segment of a name or ARN (`arn:…:rule/bus/name` → `name`). */
function lastSegment(value: string): string {
  return value.slice(Math.max(value.lastIndexOf('/'), value.lastIndexOf(':')) + 1);
}

/** True when `value` (a name or an ARN from a record) is one of `configured` (names, ARNs or `prefix*`). */
export function isOwn(value: string | null | undefined, configured: readonly string[]): boolean {
  if (!value) return false;
  const short = lastSegment(value);
  return configured.some((name) => {
    if (name.endsWith('*')) {
      const prefix = name.slice(0, -1);
      return value.startsWith(prefix) || short.startsWith(lastSegment(prefix) || prefix);
    }
    return value === name || short === lastSegment(name);
  });
}

/** Reads the JSON form (the handler's environment, a settings file); a missing list is empty. */
export function alerterResourcesFromJson(json: string | undefined | null): AlerterResources {
  if (!json) return NO_ALERTER_RESOURCES;
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const list = (key: keyof AlerterResources): string[] => {
    const value = parsed[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new Error(`alerter resources: ${key} must be an array of strings`);
    return value as string[];
  };
  return {
    ruleNames: list('ruleNames'),
    busNames: list('busNames'),
    functionNames: list('functionNames'),
    eventSourceMappingIds: list('eventSourceMappingIds'),
    keyArns: list('keyArns'),
    stackSetNames: list('stackSetNames'),
  };
}
