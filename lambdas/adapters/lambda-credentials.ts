/**
 * The AWS SDK's default credential chain (`@aws-sdk/credential-provider-node`'s `defaultProvider`), cut to the sources
 * a Lambda function can have, for the handler's bundle only (`HANDLER_CREDENTIALS_ALIAS` in
 * `lib/constructs/handler-bundling.ts` makes esbuild use this module in its place). Lambda hands the execution role's
 * credentials to the function in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (Lambda developer
 * guide, "Defined runtime environment variables":
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime), which the
 * chain reads first, as the SDK's does. The SDK's chain then tries SSO, shared config files, `credential_process` and
 * web-identity token files, none of which exist in Lambda; their code (with the SDK's nested SSO and STS clients) was a
 * tenth of the bundle and ~10 ms of every cold start. Left: the container and instance metadata endpoints, the SDK's
 * own last resort, so that the bundle still finds credentials wherever those are how they are given.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { chain, CredentialsProviderError } from '@smithy/core/config';
import { fromContainerMetadata, fromInstanceMetadata } from '@smithy/credential-provider-imds';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The variables that point at a container credentials endpoint (SDK: `ENV_CMDS_RELATIVE_URI`, `ENV_CMDS_FULL_URI`). */
const CONTAINER_ENDPOINT_VARIABLES = ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'] as const;

/** Credentials expiring within 5 minutes are fetched again (the SDK's `credentialsTreatedAsExpired`). */
const REFRESH_MARGIN_MS = 300_000;

/**
 * Same signature as the SDK's `defaultProvider`: environment credentials, else the container or instance metadata
 * endpoint; the result is kept until 5 minutes before it expires.
 */
export function defaultProvider(init: Record<string, unknown> = {}): AwsCredentialIdentityProvider {
  const metadata = async (): Promise<AwsCredentialIdentity> => {
    if (CONTAINER_ENDPOINT_VARIABLES.some((name) => process.env[name])) return fromContainerMetadata(init)();
    if (process.env.AWS_EC2_METADATA_DISABLED && process.env.AWS_EC2_METADATA_DISABLED !== 'false') {
      throw new CredentialsProviderError('no credentials: not in the environment (AWS_ACCESS_KEY_ID), and instance metadata is disabled', { tryNextLink: false });
    }
    return fromInstanceMetadata(init)();
  };
  const resolve = chain(fromEnv(init), metadata);
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const current = cached ? await cached.catch(() => undefined) : undefined;
    if (current && !(current.expiration && current.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS)) return current;
    cached = resolve();
    return cached;
  };
}
