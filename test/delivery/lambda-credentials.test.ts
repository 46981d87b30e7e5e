/**
 * The handler bundle's credential chain (lambdas/adapters/lambda-credentials.ts, put in place of the SDK's by
 * HANDLER_ALIASES): Lambda's environment credentials first, else the container endpoint, and the real SDK clients
 * sign with what it returns. A loopback server stands in for DynamoDB and for the container credentials endpoint.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../lambdas/adapters/lambda-credentials.js';
import { handlerBuildOptions, HANDLER_ENTRY } from '../../lib/constructs/handler-bundling.js';
import { startHttpServer } from '../support/http-server.js';

const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_EC2_METADATA_DISABLED', 'AWS_PROFILE'] as const;

describe('the handler bundle\'s credential chain', () => {
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of VARIABLES) delete process.env[name];
  });
  afterEach(() => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('signs with the execution role\'s credentials Lambda puts in the environment', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAEXECUTIONROLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session-token' });
    const dynamodb = await startHttpServer((_request, response) => void response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'));
    try {
      const client = new DynamoDBClient({ region: 'eu-west-1', endpoint: dynamodb.url, credentials: defaultProvider() });
      await client.send(new ListTablesCommand({}));
      expect(dynamodb.requests[0]!.headers.authorization).toContain('Credential=ASIAEXECUTIONROLE/');
      expect(dynamodb.requests[0]!.headers['x-amz-security-token']).toBe('session-token');
    } finally {
      await dynamodb.close();
    }
  });

  it('falls back to the container credentials endpoint, and keeps its answer until it nears expiry', async () => {
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    const endpoint = await startHttpServer((_request, response) =>
      void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ AccessKeyId: 'ASIACONTAINER', SecretAccessKey: 'secret', Token: 'container-token', Expiration: expiration })),
    );
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${endpoint.url}/credentials`;
      const provider = defaultProvider();
      expect((await provider()).accessKeyId).toBe('ASIACONTAINER');
      expect((await provider()).sessionToken).toBe('container-token');
      expect(endpoint.requests).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });

  it('names what is missing when there is nothing to use', async () => {
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    await expect(defaultProvider()()).rejects.toThrow(/not in the environment \(AWS_ACCESS_KEY_ID\), and instance metadata is disabled/);
  });

  it('replaces the SDK\'s chain in the handler bundle: no SSO, shared-file or process provider is bundled', () => {
    const directory = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      const result = buildSync({ ...handlerBuildOptions(HANDLER_ENTRY, join(directory, 'index.mjs')), metafile: true, write: false, logLevel: 'error' });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((input) => input.endsWith('lambdas/adapters/lambda-credentials.ts'))).toBe(true);
      expect(inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity|login)\//.test(input))).toEqual([]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
