/**
 * IAM Access Troubleshooter (public preview): AWS's own record of a denied request's evaluation, read with the
 * authorization id the error message carries (`GET /authorization-details/{id}`, `GetRequestAuthorizationDetails`;
 * `GET /authorization-details/{id}/policy?policyUri=…`, `GetRequestAuthorizationPolicy`).
 *
 * No JavaScript client is served by the npm registry yet, so {@link IamToolboxHttpReader} signs the REST calls with the
 * SDK's own SigV4 signer (`@smithy/signature-v4`) and default credential chain (`@aws-sdk/credential-provider-node`),
 * behind the {@link AuthorizationDetailsReader} port that a future `@aws-sdk/client-iam-toolbox` adapter can implement.
 *
 * As AWS runs it (IAM Toolbox service model, 2018-05-10, as AWS's SDKs generate it: aws-sdk-php
 * `src/data/iam-toolbox/2018-05-10/api-2.json`, aws-sdk-go-v2 `service/iamtoolbox`; and two reports of live calls,
 * September 2026):
 * - protocol rest-json, SigV4 **signing name `iam`** (not the service id `iam-toolbox`: a request signed for
 *   `iam-toolbox` is refused); host `iam-toolbox.{Region}.amazonaws.com` (`.amazonaws.com.cn` in China); the preview
 *   answers in us-east-1 only, so that is the default Region.
 * - a fresh id answers `ResourceNotFoundException` until AWS has written its record (asynchronously): the reader
 *   retries with backoff inside a time budget, then gives up with a reason that says so (a `notChecked` line).
 * - errors `AccessDeniedException` 403, `ResourceNotFoundException` 404, `ValidationException` 400,
 *   `InternalServerException` 500, body `{"message": …}` (API reference, GetRequestAuthorizationDetails, Errors:
 *   https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_GetRequestAuthorizationDetails.html).
 * - pagination: `nextToken` is followed to the end (a cap that drops the denying evaluation turns the verdict around).
 * Details are kept at least 24 hours; callers must be in the recorded account or organization; a message without an id
 * gets no call.
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
  /**
   * All pages of `GetRequestAuthorizationDetails`, merged; `none` when AWS no longer (or never) has the id. With
   * `retryWhileNotFound` (a denial of the last minutes), `ResourceNotFoundException` is asked again with backoff.
   */
  details(authorizationId: string, options?: { retryWhileNotFound?: boolean }): Promise<Lookup<AuthorizationDetails>>;
  /** `GetRequestAuthorizationPolicy` for one policy URI of those details. */
  policy(authorizationId: string, policyUri: string): Promise<Lookup<PolicyDocument>>;
}

/** Where and how the reader calls. */
export interface IamToolboxHttpReaderOptions {
  /** @default 'us-east-1' (the preview answers there only) */
  region?: string;
  /** @default `https://iam-toolbox.{region}.amazonaws.com` (`.amazonaws.com.cn` in a China Region), see {@link iamToolboxEndpoint} */
  endpoint?: string;
  /** SigV4 signing name. @default 'iam' (the service model's `signingName`) */
  signingName?: string;
  /** @default the SDK's default credential chain (`@aws-sdk/credential-provider-node`) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per request. @default 5000 */
  timeoutMs?: number;
  /**
   * Waits before asking again while AWS answers `ResourceNotFoundException` for an id (its record is written
   * asynchronously). @default [1000, 2000, 4000]
   */
  notFoundRetryDelaysMs?: readonly number[];
  /** Time all the waits of one `details` call may take together (inside the delivery budget). @default 8000 */
  retryBudgetMs?: number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Pages followed at most, only as a guard against a token that never ends. @default 1000 */
  maxPages?: number;
}

export const IAM_TOOLBOX_DEFAULTS = {
  region: 'us-east-1',
  signingName: 'iam',
  timeoutMs: 5000,
  notFoundRetryDelaysMs: [1000, 2000, 4000],
  retryBudgetMs: 8000,
  maxPages: 1000,
} as const;

/** The IAM Toolbox endpoint of a Region: `iam-toolbox.{Region}.amazonaws.com`, `.amazonaws.com.cn` in China. */
export function iamToolboxEndpoint(region: string): string {
  return `https://iam-toolbox.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

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

/**
 * AWS kept answering `ResourceNotFoundException` for a fresh id through every retry: its record is written
 * asynchronously and was not there yet (or the id is not visible from this account).
 */
export class IamToolboxRecordNotWritten extends Error {
  constructor(attempts: number, waitedMs: number) {
    super(`no record after ${attempts} attempts over ${(waitedMs / 1000).toFixed(1)} s (AWS writes it asynchronously; try the console link later)`);
    this.name = 'IamToolboxRecordNotWritten';
  }
}

/** Signs and sends the IAM Toolbox REST calls (see the module comment for what is assumed). */
export class IamToolboxHttpReader implements AuthorizationDetailsReader {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly retryDelays: readonly number[];
  private readonly retryBudgetMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: IamToolboxHttpReaderOptions = {}) {
    const region = options.region ?? IAM_TOOLBOX_DEFAULTS.region;
    this.endpoint = new URL(options.endpoint ?? iamToolboxEndpoint(region));
    this.timeoutMs = options.timeoutMs ?? IAM_TOOLBOX_DEFAULTS.timeoutMs;
    this.maxPages = options.maxPages ?? IAM_TOOLBOX_DEFAULTS.maxPages;
    this.retryDelays = options.notFoundRetryDelaysMs ?? IAM_TOOLBOX_DEFAULTS.notFoundRetryDelaysMs;
    this.retryBudgetMs = options.retryBudgetMs ?? IAM_TOOLBOX_DEFAULTS.retryBudgetMs;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.signer = new SignatureV4({
      credentials: options.credentials ?? defaultProvider(),
      region,
      service: options.signingName ?? IAM_TOOLBOX_DEFAULTS.signingName,
      sha256: NodeSha256,
    });
  }

  details(authorizationId: string, options: { retryWhileNotFound?: boolean } = {}): Promise<Lookup<AuthorizationDetails>> {
    const delays = options.retryWhileNotFound === false ? [] : this.retryDelays;
    return lookup('iam:GetRequestAuthorizationDetails', async () => {
      let waited = 0;
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.allPages(authorizationId);
        } catch (error) {
          const delay = delays[attempt];
          if (!(error instanceof IamToolboxError) || error.name !== 'ResourceNotFoundException' || delay === undefined || waited + delay > this.retryBudgetMs) {
            if (attempt > 0 && error instanceof IamToolboxError && error.name === 'ResourceNotFoundException') throw new IamToolboxRecordNotWritten(attempt + 1, waited);
            throw error;
          }
          await this.sleep(delay);
          waited += delay;
        }
      }
    });
  }

  /**
   * Every page of `GetRequestAuthorizationDetails`, merged. Fields read (API reference, GetRequestAuthorizationDetails
   * response syntax): `requestContext`, `evaluations`, `policies` (required) and `nextToken`.
   */
  private async allPages(authorizationId: string): Promise<AuthorizationDetails> {
    const path = `/authorization-details/${encodeURIComponent(authorizationId)}`;
    const merged: AuthorizationDetails = { evaluations: [], policies: [] };
    const seen = new Set<string>();
    let nextToken: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const body = (await this.get('GetRequestAuthorizationDetails', path, nextToken ? { nextToken } : {})) as AuthorizationDetails;
      merged.requestContext ??= body.requestContext;
      merged.evaluations!.push(...(Array.isArray(body.evaluations) ? body.evaluations : []));
      merged.policies!.push(...(Array.isArray(body.policies) ? body.policies : []));
      nextToken = typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined;
      if (!nextToken) return merged;
      if (seen.has(nextToken)) throw new Error(`GetRequestAuthorizationDetails: nextToken ${nextToken} repeated; the pages never end`);
      seen.add(nextToken);
    }
    throw new Error(`GetRequestAuthorizationDetails: more than ${this.maxPages} pages; the evaluations were not all read`);
  }

  policy(authorizationId: string, policyUri: string): Promise<Lookup<PolicyDocument>> {
    return lookup(`iam:GetRequestAuthorizationPolicy on ${policyUri}`, async () => {
      const body = (await this.get('GetRequestAuthorizationPolicy', `/authorization-details/${encodeURIComponent(authorizationId)}/policy`, { policyUri })) as Record<string, unknown>;
      // The response member that carries the document is not in the published excerpts of the API reference: the
      // likely names are read, and anything else is reported as unreadable rather than guessed at silently.
      const raw = body.policyDocument ?? body.document ?? body.policy;
      const document = typeof raw === 'string' ? (JSON.parse(raw) as PolicyDocument) : (raw as PolicyDocument | null | undefined);
      if (!document || typeof document !== 'object' || !('Statement' in document)) {
        throw new Error(`answer carried no readable policy document (members: ${Object.keys(body).join(', ') || 'none'})`);
      }
      return document;
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
