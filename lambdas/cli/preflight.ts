/**
 * `denial-alerter preflight`: a read-only check of the target account and Region with the caller's own credentials,
 * before `cdk deploy`. Prints a checklist (pass, warn, fail; each failure names its fix) or `--json`; exit 1 on a
 * blocker, 2 on a usage error. Verdicts live in `lambdas/core/preflight`, the AWS calls in `lambdas/adapters/preflight`.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import type { Node } from 'constructs';
import type { StackConfig } from '../../lib/stack-config.js';
import { judgeBootstrap } from '../core/preflight/bootstrap.js';
import { exitStatusOf, summarize, type CheckResult } from '../core/preflight/checklist.js';
import { judgeNameCollisions } from '../core/preflight/name-collisions.js';
import { judgeOrganization } from '../core/preflight/organization.js';
import { judgePatternQuota } from '../core/preflight/pattern-quota.js';
import { checklistLines } from '../core/preflight/render.js';
import { judgePendingSubscriptions, judgeSlackSecrets } from '../core/preflight/slack-secret.js';
import { judgeTrails } from '../core/preflight/trail.js';
import { classifyFailure, PreflightAbort } from '../adapters/preflight/aws-call.js';
import { gatherBootstrap } from '../adapters/preflight/bootstrap.js';
import { destroyClients, preflightClients } from '../adapters/preflight/clients.js';
import { gatherDeployedStack } from '../adapters/preflight/deployed-stack.js';
import { gatherFixedNames } from '../adapters/preflight/fixed-names.js';
import { gatherOrganization } from '../adapters/preflight/organization.js';
import { gatherPatternQuota } from '../adapters/preflight/pattern-quota.js';
import { gatherSlackSecrets } from '../adapters/preflight/slack-secrets.js';
import { gatherPendingSubscriptions } from '../adapters/preflight/subscriptions.js';
import { gatherTrails } from '../adapters/preflight/trails.js';
import { UsageError, withHelpAfter, type CliContext } from './command-kit.js';
import { styleFor } from '../terminal/style.js';

/** The same as `CENTRAL_BUS_NAME` of lib/denial-alerter.ts (a test holds them equal), without loading aws-cdk-lib. */
export const CENTRAL_BUS_NAME = 'denial-alerter-central';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

interface PreflightFlags {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
  organization?: boolean;
  context: string[];
  app: string;
  stackName: string;
}

/** Registers `preflight` on the program. */
export function registerPreflightCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('preflight')
    .summary('check the target account and Region before cdk deploy (trail, quotas, bootstrap, organization, secrets)')
    .description(
      'Read-only checks of the account and Region your credentials point at, before "cdk deploy": a CloudTrail trail logging management events here, the EventBridge "Event pattern size" quota against the app\'s largest pattern, the CDK bootstrap, in organization mode the StackSets prerequisites, the Slack webhook secrets, pending e-mail subscriptions and fixed resource names already taken.',
    )
    .option('--region <region>', 'the Region to check [AWS_REGION, else the profile\'s]')
    .option('--profile <name>', 'a named profile of ~/.aws/config [the default credential chain]')
    .option('--endpoint-url <url>', 'one endpoint for every service (a local stand-in); AWS_ENDPOINT_URL_<SERVICE> overrides one service')
    .option('--organization', 'check the organization prerequisites even if the context has no "organization"')
    .option('-c, --context <key=value>', 'a context value, as for cdk (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--app <file>', 'the cdk.json whose context is read', 'cdk.json')
    .option('--stack-name <name>', 'the central stack\'s name', 'DenialAlerter')
    .option('--json', 'one JSON document instead of the checklist')
    .action(async (flags: PreflightFlags) => {
      context.status = await runPreflight(flags, context);
    });
  return withHelpAfter(command, 'Exit status: 0 ready (warnings allowed), 1 a blocker or a failure to check, 2 a usage error.\nExample: npx denial-alerter preflight --profile security --region eu-west-1');
}

/**
 * The app's own modules (its configuration and its patterns), loaded when preflight runs: they live in the
 * repository's `lib/`, which the npm package does not ship, so a missing one is one clear line.
 */
async function appModules() {
  try {
    const [config, patterns] = await Promise.all([import('../../lib/stack-config.js'), import('./preflight-patterns.js')]);
    return { stackConfigFrom: config.stackConfigFrom, StackConfigError: config.StackConfigError, appEventPatterns: patterns.appEventPatterns };
  } catch (error) {
    throw new UsageError(`preflight reads the CDK app's configuration and patterns from the repository (lib/): run it in a clone of denial-alerter (${(error as Error).message.split('\n')[0]})`);
  }
}

type AppModules = Awaited<ReturnType<typeof appModules>>;

/** Reads cdk.json's context and the `-c` values into the stack's own configuration. */
function configFrom(flags: PreflightFlags, { stackConfigFrom, StackConfigError }: AppModules): StackConfig {
  let fileContext: Record<string, unknown> = {};
  if (existsSync(flags.app)) {
    try {
      fileContext = ((JSON.parse(readFileSync(flags.app, 'utf8')) as { context?: Record<string, unknown> }).context ?? {});
    } catch (error) {
      throw new UsageError(`--app ${flags.app}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
  } else if (flags.app !== 'cdk.json') throw new UsageError(`--app ${flags.app}: no such file`);
  const values: Record<string, unknown> = { ...fileContext };
  for (const pair of flags.context) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--context "${pair}": expected key=value`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  try {
    return stackConfigFrom({ tryGetContext: (key: string) => values[key] } as unknown as Node);
  } catch (error) {
    if (error instanceof StackConfigError) throw new UsageError(error.message);
    throw error;
  }
}

async function runPreflight(flags: PreflightFlags, context: CliContext): Promise<number> {
  const { io, env } = context;
  const app = await appModules();
  const config = configFrom(flags, app);
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no Region: give --region or set AWS_REGION');
  if (!REGION.test(region)) throw new UsageError(`--region "${region}": not a Region name like eu-west-1`);
  const regions = flags.endpointUrl || env.AWS_ENDPOINT_URL ? new Set<string>() : await knownRegions();
  if (regions.size > 0 && !regions.has(region)) throw new UsageError(`--region "${region}": no such AWS Region`);
  if (flags.endpointUrl && !/^https?:\/\/[^\s/]+/.test(flags.endpointUrl)) throw new UsageError(`--endpoint-url "${flags.endpointUrl}": expected http(s)://host[:port]`);
  if (config.forwarderOnly) throw new UsageError('the context selects the forwarder stack; preflight checks the central stack\'s account (run it without "forwarder", centralAccount, centralRegion, centralBusArn)');

  const clients = preflightClients({ region, profile: flags.profile, env, endpointUrl: flags.endpointUrl });
  const style = styleFor(io.stdout, env);
  try {
    let identity;
    try {
      identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    } catch (error) {
      const failure = classifyFailure(error, 'sts:GetCallerIdentity', 'STS');
      throw new PreflightAbort(failure.kind === 'unreachable' ? `could not reach AWS (${failure.message}): check the network, the Region and any endpoint override` : `sts:GetCallerIdentity failed: ${failure.message}`);
    }
    const account = identity.Account ?? '';
    const results = await checks(clients, config, { account, region, flags, appEventPatterns: app.appEventPatterns });
    const header = `denial-alerter preflight: account ${account}, Region ${region}, as ${identity.Arn ?? '?'}`;
    if (flags.json) io.stdout.write(`${JSON.stringify({ account, region, caller: identity.Arn, checks: results, summary: summarize(results), ready: exitStatusOf(results) === 0 }, null, 2)}\n`);
    else io.stdout.write(`${checklistLines(header, results, style).join('\n')}\n`);
    return exitStatusOf(results);
  } catch (error) {
    if (error instanceof PreflightAbort) {
      io.stderr.write(`${styleFor(io.stderr, env).red(`denial-alerter preflight: ${error.message}`)}\n`);
      return 1;
    }
    throw error;
  } finally {
    destroyClients(clients);
  }
}

/** Runs every check (their calls in parallel) and returns the results in a fixed order. */
async function checks(clients: ReturnType<typeof preflightClients>, config: StackConfig, options: { account: string; region: string; flags: PreflightFlags; appEventPatterns: AppModules['appEventPatterns'] }): Promise<CheckResult[]> {
  const { account, region, flags, appEventPatterns } = options;
  const organizationMode = Boolean(config.organization) || flags.organization === true;
  const secrets = new Map<string, string[]>();
  if (config.slackWebhookSecretName && !(config.routes ?? []).length) secrets.set(config.slackWebhookSecretName, ['default']);
  for (const route of config.routes ?? []) {
    const name = route.slackWebhookSecretName ?? route.slackWebhookSecretArn;
    if (name) secrets.set(name, [...(secrets.get(name) ?? []), route.name]);
  }
  const stack = gatherDeployedStack(clients.cloudformation, flags.stackName);
  const [trails, quota, bootstrap, organization, slack, subscriptions, names] = await Promise.all([
    gatherTrails(clients.cloudtrail),
    gatherPatternQuota(clients.serviceQuotas),
    gatherBootstrap(clients.cloudformation, clients.ssm),
    organizationMode
      ? gatherOrganization(clients.organizations, { callerAccount: account, callAs: config.organization?.callAs ?? 'DELEGATED_ADMIN', targets: config.organization?.targets ?? [], expectedOrganizationId: config.organizationId })
      : Promise.resolve(null),
    gatherSlackSecrets(clients.secretsManager, secrets),
    stack.then((deployed) => gatherPendingSubscriptions(clients.sns, deployed)),
    stack.then((deployed) =>
      gatherFixedNames(
        clients,
        { stackName: flags.stackName, busName: CENTRAL_BUS_NAME, region, ...(config.organization ? { stackSet: { name: `${flags.stackName}-members`, callAs: config.organization.callAs } } : {}) },
        deployed,
      ),
    ),
  ]);
  return [
    judgeTrails(region, trails),
    judgePatternQuota(quota, appEventPatterns({ extraErrorCodes: config.settings.extraErrorCodes, whatChanged: config.whatChanged })),
    judgeBootstrap(account, region, bootstrap),
    ...(organization ? judgeOrganization(organization) : []),
    ...judgeSlackSecrets(slack, region),
    judgePendingSubscriptions(subscriptions),
    judgeNameCollisions(flags.stackName, names),
  ];
}

/** Every Region of every partition the CDK's region facts know (a maintained list); empty checks nothing. */
async function knownRegions(): Promise<Set<string>> {
  try {
    const { RegionInfo } = await import('aws-cdk-lib/region-info');
    return new Set(RegionInfo.regions.map((region) => region.name));
  } catch {
    return new Set();
  }
}
