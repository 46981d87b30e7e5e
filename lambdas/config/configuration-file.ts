/**
 * Configuration too large for Lambda's environment (4 KB in total: settings with many suppressions, many routes, a
 * large account → OU map) reaches the handler as a JSON file of environment variables instead: the stack ships it in a
 * layer (`lib/constructs/handler-configuration.ts`) and names it in {@link CONFIGURATION_FILE_ENV}.
 */
import { readFileSync } from 'node:fs';

/** Path of the JSON file (`{ "NAME": "value", … }`) holding variables the environment could not. */
export const CONFIGURATION_FILE_ENV = 'DENIAL_ALERTER_CONFIGURATION_FILE';

/**
 * The environment with the variables of the configuration file added (a variable set in the environment itself wins).
 *
 * @throws Error naming the file when it cannot be read or is not a JSON object of strings.
 */
export function withConfigurationFile(env: NodeJS.ProcessEnv, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): NodeJS.ProcessEnv {
  const path = env[CONFIGURATION_FILE_ENV];
  if (path === undefined || path.trim() === '') return env;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(path));
  } catch (error) {
    throw new Error(`configuration file ${path} (${CONFIGURATION_FILE_ENV}): ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new Error(`configuration file ${path} (${CONFIGURATION_FILE_ENV}): expected a JSON object of strings`);
  }
  return { ...(parsed as Record<string, string>), ...env };
}
