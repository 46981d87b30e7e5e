/**
 * IAM Access Troubleshooter (public preview): AWS's own record of a denied request's evaluation, read with the
 * authorization id the error message carries (`GET /authorization-details/{id}`, `GetRequestAuthorizationDetails`;
 * `GET /authorization-details/{id}/policy?policyUri=…`, `GetRequestAuthorizationPolicy`).
 *
 * No JavaScript client is published yet, so {@link IamToolboxHttpReader} signs the REST calls with the SDK's own
 * SigV4 signer (`@smithy/signature-v4`) and default credential chain (`@aws-sdk/credential-provider-node`), behind the
 * {@link AuthorizationDetailsReader} port that a future `@aws-sdk/client-iam-toolbox` adapter can implement instead.
 *
 * ASSUMED (not found in the documentation searched, so configurable): the endpoint
 * `https://iam-toolbox.us-east-1.amazonaws.com` (the preview runs in us-east-1) and the signing name `iam-toolbox`
 * (the service id of the CLI's `aws iam-toolbox`). Details are kept at least 24 hours; callers must be in the recorded
 * account or organization; a message without an id gets no call.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import type { AuthorizationDetails } from '../../core/iam-policy/authorization-details.js';
import type { PolicyDocument } from '../../core/iam-policy/types.js';
import { lookup, type Lookup } from './lookup-result.js';

/** The port: AWS's record of one denial, and a policy as it was at denial time. A future SDK client adapter fits it. */
export interface AuthorizationDetailsReader {
  /** All pages of `GetRequestAuthorizationDetails`, merged; `none` when AWS no longer (or never) has the id. */
  details(authorizationId: string): Promise<Lookup<AuthorizationDetails>>;
  /** `GetRequestAuthorizationPolicy` for one policy URI of those details. */
  policy(authorizationId: string, policyUri: string): Promise<Lookup<PolicyDocument>>;
}

/** Where and how the reader calls. */
export interface IamToolboxHttpReaderOptions {
  /** @default 'https://iam-toolbox.us-east-1.amazonaws.com' (assumed; the preview is in us-east-1) */
  endpoint?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** SigV4 signing name. @default 'iam-toolbox' (assumed) */
  signingName?: string;
  /** @default the SDK's default credential chain (`@aws-sdk/credential-provider-node`) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per request. @default 5000 */
  timeoutMs?: number;
  /** Pages of evaluations read at most. @default 10 */
  maxPages?: number;
}

export const IAM_TOOLBOX_DEFAULTS = {
  endpoint: 'https://iam-toolbox.us-east-1.amazonaws.com',
  region: 'us-east-1',
  signingName: 'iam-toolbox',
  timeoutMs: 5000,
  maxPages: 10,
} as const;

/** An IAM Toolbox call answered with an error; `name` is AWS's error type (`AccessDeniedException`, …). */
export class IamToolboxError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    errorType: string,
    detail: string,
  ) {
    super(`${operation}: HTTP ${status} ${errorType}${detail ? `: ${detail}` : ''}`);
    this.name = errorType || 'IamToolboxError';
  }
}

/** Signs and sends the IAM Toolbox REST calls (see the module comment for what is assumed). */
export class IamToolboxHttpReader implements AuthorizationDetailsReader {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private readonly maxPages: number;

  constructor(options: IamToolboxHttpReaderOptions = {}) {
    this.endpoint = new URL(options.endpoint ?? IAM_TOOLBOX_DEFAULTS.endpoint);
    this.timeoutMs = options.timeoutMs ?? IAM_TOOLBOX_DEFAULTS.timeoutMs;
    this.maxPages = options.maxPages ?? IAM_TOOLBOX_DEFAULTS.maxPages;
    this.signer = new SignatureV4({
      credentials: options.credentials ?? defaultProvider(),
      region: options.region ?? IAM_TOOLBOX_DEFAULTS.region,
      service: options.signingName ?? IAM_TOOLBOX_DEFAULTS.signingName,
      sha256: NodeSha256,
    });
  }

  details(authorizationId: string): Promise<Lookup<AuthorizationDetails>> {
    return lookup('iam:GetRequestAuthorizationDetails', async () => {
      const path = `/authorization-details/${encodeURIComponent(authorizationId)}`;
      const merged: AuthorizationDetails = { evaluations: [], policies: [] };
      let nextToken: string | undefined;
      for (let page = 0; page < this.maxPages; page++) {
        const body = (await this.get('GetRequestAuthorizationDetails', path, nextToken ? { nextToken } : {})) as AuthorizationDetails;
        merged.requestContext ??= body.requestContext;
        merged.evaluations!.push(...(body.evaluations ?? []));
        merged.policies!.push(...(body.policies ?? []));
        nextToken = typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined;
        if (!nextToken) break;
      }
      return merged;
    });
  }

  policy(authorizationId: string, policyUri: string): Promise<Lookup<PolicyDocument>> {
    return lookup(`iam:GetRequestAuthorizationPolicy on ${policyUri}`, async () => {
      const body = (await this.get('GetRequestAuthorizationPolicy', `/authorization-details/${encodeURIComponent(authorizationId)}/policy`, { policyUri })) as Record<string, unknown>;
      const raw = body.policyDocument ?? body.document ?? body.policy;
      if (raw === undefined || raw === null) return null;
      const document = typeof raw === 'string' ? (JSON.parse(raw) as PolicyDocument) : (raw as PolicyDocument);
      return document && typeof document === 'object' && 'Statement' in document ? document : null;
    });
  }

  /** One signed GET; the parsed JSON body, or an {@link IamToolboxError}. */
  private async get(operation: string, path: string, query: Record<string, string>): Promise<unknown> {
    const { hostname, port, protocol } = this.endpoint;
    const host = port ? `${hostname}:${port}` : hostname;
    const request: HttpRequest = { method: 'GET', protocol, hostname, ...(port ? { port: Number(port) } : {}), path, query, headers: { host, accept: 'application/json' } };
    const signed = await this.signer.sign(request);
    const url = new URL(path, this.endpoint);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url, { method: 'GET', headers: signed.headers as Record<string, string>, signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 300);
      let type = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? '';
      try {
        const parsed = JSON.parse(text) as { message?: string; Message?: string; __type?: string };
        detail = parsed.message ?? parsed.Message ?? detail;
        type ||= parsed.__type?.split('#').pop() ?? '';
      } catch {
        // not JSON: keep the text
      }
      throw new IamToolboxError(operation, response.status, type || `Http${response.status}`, detail);
    }
    return text === '' ? {} : JSON.parse(text);
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from `node:crypto`, in the shape the SigV4 signer takes (`@smithy/types` Checksum). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
}
