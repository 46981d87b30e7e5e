/**
 * Keeps the handler's environment within Lambda's 4 KB: when the variables would exceed it, the ones that grow with
 * the configuration (settings with their suppressions, routes, the account → OU map) move into a JSON file in a layer
 * of their own, which the handler reads at cold start (`lambdas/config/configuration-file.ts`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenization } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CONFIGURATION_FILE_ENV } from '../../lambdas/config/configuration-file.js';
import { AWS_LIMITS } from '../limits/aws-limits.js';
import { ESTIMATED_LENGTHS } from '../limits/limit-checks.js';

/** Where Lambda extracts a layer's files: `/opt`. https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html */
export const CONFIGURATION_FILE_PATH = '/opt/denial-alerter/environment.json';

/** Bytes the variables take in Lambda's count (names and values), deploy-time values at their estimated length. */
export function estimatedEnvironmentBytes(environment: Readonly<Record<string, string>>): number {
  const concatenate = { join: (left: unknown, right: unknown) => `${String(left)}${String(right)}` };
  const placeholder = 'x'.repeat(ESTIMATED_LENGTHS.other);
  return Object.entries(environment).reduce((sum, [name, value]) => {
    // Each token at the generous estimate of its resolved length; literal text as it is.
    const estimated = String(Tokenization.reverseString(value).mapTokens({ mapToken: () => placeholder }).join(concatenate));
    return sum + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(estimated, 'utf8');
  }, 0);
}

/** The environment split: what stays in Lambda's environment, and what goes to the file (nothing when it fits). */
export function splitEnvironment(environment: Readonly<Record<string, string>>, movable: readonly string[]): { environment: Record<string, string>; file: Record<string, string> } {
  if (estimatedEnvironmentBytes(environment) <= AWS_LIMITS.lambdaEnvironmentSize.max) return { environment: { ...environment }, file: {} };
  const file = Object.fromEntries(Object.entries(environment).filter(([name, value]) => movable.includes(name) && !Tokenization.isResolvable(value) && Tokenization.reverseString(value).tokens.length === 0));
  const kept = Object.fromEntries(Object.entries(environment).filter(([name]) => !(name in file)));
  return { environment: { ...kept, [CONFIGURATION_FILE_ENV]: CONFIGURATION_FILE_PATH }, file };
}

export interface HandlerConfigurationProps {
  /** The variables to ship as the file. */
  readonly variables: Readonly<Record<string, string>>;
  readonly architecture: Architecture;
}

/** A layer holding {@link CONFIGURATION_FILE_PATH}. */
export class HandlerConfiguration extends Construct {
  public readonly layer: LayerVersion;
  /** The directory the layer is built from (for tests). */
  public readonly directory: string;

  constructor(scope: Construct, id: string, props: HandlerConfigurationProps) {
    super(scope, id);
    this.directory = mkdtempSync(join(tmpdir(), 'denial-alerter-configuration-'));
    const relative = CONFIGURATION_FILE_PATH.slice('/opt/'.length);
    mkdirSync(join(this.directory, relative, '..'), { recursive: true });
    writeFileSync(join(this.directory, relative), JSON.stringify(props.variables));
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(this.directory),
      compatibleArchitectures: [props.architecture],
      description: 'Denial Alerter: handler configuration too large for the environment (settings, routes, account OUs)',
    });
  }
}
