/**
 * Slow (about a minute): the construct library as a platform team consumes it. `npm pack` builds and packs the
 * package; the tarball is unpacked into a fresh CDK app's node_modules (its dependencies linked from this repository's
 * node_modules, so nothing is downloaded, esbuild and Docker left out on purpose), and the app adds `DenialAlerter`
 * to its own stack, type-checks against the package's declarations and synthesizes offline.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANDLER_DATA_FILES, HANDLER_LAZY_MODULES } from '../../lib/constructs/handler-bundling.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Left out of the app's node_modules: the packed handler must not need a bundler. */
const NOT_LINKED = new Set(['denial-alerter', '.bin', '.package-lock.json', 'esbuild', '@esbuild', '.cache', '.vite', '.vitest']);

const APP = `import { App, Stack } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { DenialAlerter, DenialAlerterForwarder } from 'denial-alerter';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'PlatformSecurity');
const alerter = new DenialAlerter(stack, 'Denials', { alertEmails: ['secops@example.com'], settings: { threshold: 3 } });
new DenialAlerterForwarder(new Stack(app, 'PlatformForwarder'), 'Forward', { centralBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/denial-alerter-central' });
// Every resource is a public field: the platform team extends without escape hatches.
alerter.table.table.grantReadData(alerter.handler.role);
console.log(JSON.stringify({ table: alerter.table.table instanceof Table, handler: alerter.handler.function.node.path, topics: [alerter.topic.topic.node.path, alerter.operationsTopic.topic.node.path] }));
app.synth();
`;

const TYPED = `import { App, Stack } from 'aws-cdk-lib';
import { DenialAlerter, type DenialAlerterProps } from 'denial-alerter';

const props: DenialAlerterProps = { alertEmails: ['secops@example.com'], organizationId: 'o-a1b2c3d4e5', organization: { targets: ['r-ab12'], regions: ['eu-west-1'] } };
const alerter = new DenialAlerter(new Stack(new App(), 'Typed'), 'Denials', props);
const arn: string = alerter.centralBus.eventBusArn;
export { arn };
`;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

describe('the packed construct library', { tags: ['slow'] }, () => {
  it('installs into a fresh CDK app that adds DenialAlerter to its own stack, type-checks and synthesizes offline', () => {
    const packs = mkdtempSync(join(tmpdir(), 'denial-alerter-pack-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packs], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/handler/index.mjs', 'package.json']));
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('cdk.out/'))).toBe(false);

    const app = mkdtempSync(join(tmpdir(), 'platform-app-'));
    const modules = join(app, 'node_modules');
    mkdirSync(modules);
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (!NOT_LINKED.has(name)) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
    }
    run('tar', ['-xzf', join(packs, packed[0]!.filename), '-C', app], app);
    renameSync(join(app, 'package'), join(modules, 'denial-alerter'));
    const manifest = JSON.parse(readFileSync(join(modules, 'denial-alerter', 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.peerDependencies).toMatchObject({ 'aws-cdk-lib': expect.any(String), constructs: expect.any(String) });
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['aws-cdk-lib']));

    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'platform-app', private: true, type: 'module' }));
    writeFileSync(join(app, 'app.mjs'), APP);
    writeFileSync(join(app, 'typed.ts'), TYPED);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['typed.ts'] }),
    );
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);

    // Offline, no credentials, no Docker, no esbuild on the PATH or in node_modules.
    const env = { PATH: dirname(process.execPath), HOME: mkdtempSync(join(tmpdir(), 'home-')), AWS_EC2_METADATA_DISABLED: 'true', DOCKER_HOST: 'unix:///nonexistent.sock' };
    const printed = JSON.parse(run(process.execPath, ['app.mjs'], app, env).trim().split('\n').at(-1)!);
    expect(printed).toEqual({ table: true, handler: 'PlatformSecurity/Denials/Handler/Function', topics: ['PlatformSecurity/Denials/Alerts/Topic', 'PlatformSecurity/Denials/Operations/Topic'] });

    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'PlatformSecurity.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, { Type: string; Properties: any; Metadata?: any }>).filter((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Runtime === 'nodejs22.x' && !resource.Properties.Code?.ZipFile);
    // The canary's function is inline code (no asset); the handler is the one with a bundle.
    expect(functions).toHaveLength(1);
    expect(functions[0]!.Properties).toMatchObject({ Handler: 'index.handler', Architectures: ['arm64'] });
    // The handler's code is the prebuilt bundle from the package, staged as is.
    const code = JSON.stringify(functions[0]!.Properties.Code);
    const assets = readdirSync(join(app, 'cdk.out')).filter((name) => name.startsWith('asset.') && code.includes(name.slice('asset.'.length)));
    expect(assets).toHaveLength(1);
    const staged = join(app, 'cdk.out', assets[0]!);
    expect(readFileSync(join(staged, 'index.mjs'))).toEqual(readFileSync(join(modules, 'denial-alerter', 'dist', 'handler', 'index.mjs')));
    // Beside it, what the handler loads on first use: the policy-lookup module and the generated indexes.
    for (const file of [...Object.keys(HANDLER_LAZY_MODULES), ...HANDLER_DATA_FILES.map((path) => path.slice(path.lastIndexOf('/') + 1))]) expect(existsSync(join(staged, file)), file).toBe(true);
    // And it loads on its own, with no node_modules around it.
    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(staged, 'index.mjs'))}); const d = await import(${JSON.stringify(join(staged, 'policy-diagnoser.mjs'))}); console.log(typeof m.handler, typeof d.createPolicyDiagnoser);`], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 60_000 });
    expect(loaded.stdout.trim(), loaded.stderr).toBe('function function');
    expect(Object.values(template.Resources as Record<string, { Type: string; Properties: any }>).filter((resource) => resource.Type === 'AWS::SNS::Subscription').map((resource) => resource.Properties.Endpoint)).toEqual([
      'secops@example.com',
      'secops@example.com',
    ]);
    expect(existsSync(join(app, 'cdk.out', 'PlatformForwarder.template.json'))).toBe(true);
  }, 240_000);
});
