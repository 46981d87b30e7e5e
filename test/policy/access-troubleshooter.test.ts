/**
 * IAM Access Troubleshooter against a loopback HTTP endpoint answering with the documented response shape of
 * GetRequestAuthorizationDetails (IAM Toolbox API reference: requestContext, evaluations with matchedPolicies and
 * matchedStatements, policies with type/inline/uri/attachedTo, nextToken), signed as AWS runs it (signing name `iam`,
 * IAM Toolbox service model). An evaluation's evaluatedEffect is ALLOW | EXPLICIT_DENY | IMPLICIT_DENY, a statement's
 * ALLOW | DENY (API reference, Evaluation and MatchedStatement). The GetRequestAuthorizationPolicy body member
 * (`policyDocument`) is not published (see authorization-details.ts). The denials are
 * synthetic variants of real corpus records with an authorization id appended, as the 2026 messages print it.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_TOOLBOX_DEFAULTS, IamToolboxHttpReader, iamToolboxEndpoint } from '../../lambdas/adapters/policy-sources/access-troubleshooter.js';
import { createPolicyDiagnoser } from '../../lambdas/adapters/policy-sources/policy-diagnoser.js';
import { decidedByAws, verdictOf, type AuthorizationDetails } from '../../lambdas/core/iam-policy/authorization-details.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import { withDiagnosis } from '../../lambdas/core/iam-policy/enrich-alert.js';
import { classify } from '../../lambdas/core/classify.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { CloudTrailRecord, Denial } from '../../lambdas/core/types.js';
import { ACCESS_TROUBLESHOOTER_ACTIONS, policyLookupGrants } from '../../lib/policy-lookups.js';
import { readJsonl } from '../support/corpus.js';
import { startHttpServer, type LocalServer, type RecordedRequest } from '../support/http-server.js';

const ID = 'k3v9x2m7q1w8e4r6t0y5u2i9o3p7a1s4';
const URL_OF = (id: string) => `https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${id}`;
const SCP_URI = 'arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-denyregions';
const IDENTITY_URI = 'arn:aws:iam::457448411975:policy/Ec2Operators';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

/** The documented shape, split over two pages to exercise nextToken. */
const PAGE_1: AuthorizationDetails & { nextToken: string } = {
  requestContext: { 'aws:PrincipalArn': 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role', 'aws:RequestedRegion': 'us-east-1' },
  evaluations: [
    {
      action: 'ec2:GetPasswordData',
      resource: 'arn:aws:ec2:us-east-1:457448411975:instance/i-0123456789abcdef0',
      context: { 'ec2:Region': 'us-east-1' },
      evaluatedEffect: 'IMPLICIT_DENY',
      matchedPolicies: [{ uri: IDENTITY_URI, matchedStatements: [{ sid: 'AllowEc2Reads', evaluatedEffect: 'ALLOW' }] }],
    },
  ],
  policies: [{ type: 'IDENTITY_BASED_POLICY', inline: false, uri: IDENTITY_URI, attachedTo: [{ arn: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' }] }],
  nextToken: 'page-2',
};
const PAGE_2: AuthorizationDetails = {
  evaluations: [{ action: 'ec2:GetPasswordData', evaluatedEffect: 'EXPLICIT_DENY', matchedPolicies: [{ uri: SCP_URI, matchedStatements: [{ sid: 'DenyPasswordData', evaluatedEffect: 'DENY' }] }] }],
  policies: [{ type: 'SERVICE_CONTROL_POLICY', inline: false, uri: SCP_URI, attachedTo: [{ arn: 'arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-cdef3456' }] }],
};
const SCP_DOCUMENT = { Version: '2012-10-17', Statement: [{ Sid: 'DenyPasswordData', Effect: 'Deny', Action: 'ec2:GetPasswordData', Resource: '*' }] };

/** Checks the request's SigV4 signature by signing the same request again with the same credentials and time. */
async function signatureIsValid(request: RecordedRequest, port: number): Promise<boolean> {
  const url = new URL(request.url, `http://127.0.0.1:${port}`);
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  class Sha256 {
    private hash;
    constructor(secret?: string | Uint8Array) {
      this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as Uint8Array));
    }
    update(data: string | Uint8Array) {
      this.hash.update(data);
    }
    async digest() {
      return new Uint8Array(this.hash.digest());
    }
    reset() {}
  }
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
  const query = Object.fromEntries(url.searchParams);
  const again = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: decodeURIComponent(url.pathname), query, headers: { host: `127.0.0.1:${port}`, accept: 'application/json' } }, { signingDate });
  return again.headers.authorization === request.headers.authorization;
}

describe('IAM Access Troubleshooter over a loopback endpoint', () => {
  let server: LocalServer;
  let freshReads = 0;
  const json = (response: import('node:http').ServerResponse, status: number, body: unknown, errorType?: string) => {
    response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/` } : {}) });
    response.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    server = await startHttpServer((request, response) => {
      const url = new URL(request.url, 'http://127.0.0.1');
      if (url.pathname === `/authorization-details/${ID}`) return json(response, 200, url.searchParams.get('nextToken') === 'page-2' ? PAGE_2 : PAGE_1);
      if (url.pathname === `/authorization-details/${ID}/policy`) {
        return url.searchParams.get('policyUri') === SCP_URI ? json(response, 200, { policyDocument: SCP_DOCUMENT }) : json(response, 404, { message: 'no such policy' }, 'ResourceNotFoundException');
      }
      if (url.pathname === '/authorization-details/fresh0id') {
        // AWS writes the record asynchronously: the first two reads find nothing yet
        freshReads++;
        return freshReads <= 2 ? json(response, 404, { message: 'Authorization details not found' }, 'ResourceNotFoundException') : json(response, 200, PAGE_2);
      }
      if (url.pathname === '/authorization-details/long0id') {
        const page = Number(url.searchParams.get('nextToken') ?? '0');
        const last = page === 14;
        return json(response, 200, {
          requestContext: {},
          evaluations: [{ action: 'ec2:GetPasswordData', resource: '*', evaluatedEffect: last ? 'EXPLICIT_DENY' : 'IMPLICIT_DENY', matchedPolicies: [] }],
          policies: [],
          ...(last ? {} : { nextToken: String(page + 1) }),
        });
      }
      if (url.pathname === '/authorization-details/odd0id/policy') return json(response, 200, { somethingElse: true });
      if (url.pathname === '/authorization-details/forbidden') return json(response, 403, { message: 'User is not authorized to perform: iam:GetRequestAuthorizationDetails' }, 'AccessDeniedException');
      if (url.pathname === '/authorization-details/broken') return json(response, 500, { message: 'internal' }, 'InternalServerException');
      return json(response, 404, { message: 'Authorization details not found' }, 'ResourceNotFoundException');
    });
  });
  afterAll(() => server.close());

  const reader = () => new IamToolboxHttpReader({ endpoint: server.url, credentials, sleep: async () => {} });

  it('signs GET /authorization-details/{id} with SigV4 for signing name iam in us-east-1 (not the service id iam-toolbox) and follows nextToken', async () => {
    const before = server.requests.length;
    const details = await reader().details(ID);
    expect(details.status).toBe('found');
    if (details.status !== 'found') return;
    expect(details.value.evaluations).toHaveLength(2);
    expect(details.value.policies!.map((policy) => policy.uri)).toEqual([IDENTITY_URI, SCP_URI]);
    const requests = server.requests.slice(before);
    expect(requests.map((request) => request.url)).toEqual([`/authorization-details/${ID}`, `/authorization-details/${ID}?nextToken=page-2`]);
    for (const request of requests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/iam\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
      expect(request.headers['x-amz-security-token']).toBe('session-token');
      expect(await signatureIsValid(request, server.port)).toBe(true);
    }
  });

  it('asks again with backoff while a fresh id answers ResourceNotFoundException, inside the retry budget', async () => {
    const waits: number[] = [];
    const patient = new IamToolboxHttpReader({ endpoint: server.url, credentials, sleep: async (ms) => void waits.push(ms) });
    const details = await patient.details('fresh0id');
    expect(details.status).toBe('found');
    expect(waits).toEqual([1000, 2000]);
  });

  it('gives up when the record is still not written after the budget, saying so rather than "no record"', async () => {
    const waits: number[] = [];
    const patient = new IamToolboxHttpReader({ endpoint: server.url, credentials, sleep: async (ms) => void waits.push(ms), retryBudgetMs: 3500 });
    const details = await patient.details('never0written');
    expect(waits).toEqual([1000, 2000]); // the 4 s wait would pass the 3.5 s budget
    expect(details).toMatchObject({ status: 'failed', what: 'iam:GetRequestAuthorizationDetails', reason: expect.stringMatching(/no record after 3 attempts over 3\.0 s \(AWS writes it asynchronously/) });
  });

  it('follows nextToken to the last page, where the explicit deny is (15 pages)', async () => {
    const details = await reader().details('long0id');
    expect(details.status).toBe('found');
    if (details.status !== 'found') return;
    expect(details.value.evaluations).toHaveLength(15);
    expect(verdictOf('long0id', details.value).decision).toBe('explicit-deny');
  });

  it('reports a policy answer whose document member it cannot read, rather than guessing', async () => {
    expect(await reader().policy('odd0id', SCP_URI)).toMatchObject({ status: 'failed', reason: expect.stringContaining('no readable policy document (members: somethingElse)') });
  });

  it('reads a policy as it was at denial time (GetRequestAuthorizationPolicy), URI in the query', async () => {
    const policy = await reader().policy(ID, SCP_URI);
    expect(policy).toEqual({ status: 'found', value: SCP_DOCUMENT });
    expect(server.requests.at(-1)!.url).toBe(`/authorization-details/${ID}/policy?policyUri=${encodeURIComponent(SCP_URI)}`);
  });

  it('turns refusals and unknown ids into results, never exceptions', async () => {
    expect(await reader().details('forbidden')).toMatchObject({ status: 'not-permitted', what: 'iam:GetRequestAuthorizationDetails', reason: 'AccessDeniedException' });
    expect(await reader().details('expired0id', { retryWhileNotFound: false })).toEqual({ status: 'none' });
    expect(await reader().details('broken')).toMatchObject({ status: 'failed', reason: expect.stringContaining('HTTP 500 InternalServerException') });
  });

  describe('the diagnoser: AWS\'s record overrides the own evaluation and says so', () => {
    const real = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventName === 'GetPasswordData')!;
    const withId = (id: string, eventTime: string): Denial => {
      const message = `${real.errorMessage!.replace(/ Encoded authorization failure message: .*$/, '')} Go to ${URL_OF(id)} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`;
      return classify({ ...structuredClone(real), eventTime, errorMessage: message, eventID: `synthetic-${id}` } as CloudTrailRecord);
    };
    const NOW = Date.parse('2026-11-30T10:00:00Z');
    const diagnoser = () => createPolicyDiagnoser({ sources: null, troubleshooter: reader(), now: () => NOW, env: {} });

    it('names the statement AWS matched (SCP DenyPasswordData), read as it was, decided by the Access Troubleshooter', async () => {
      const denial = withId(ID, '2026-11-30T09:00:00Z');
      expect(denial.denyLayer).toBe('identity-policy'); // what the message claimed
      const diagnosis = await diagnoser()(denial);
      expect(diagnosis).toMatchObject({
        decidedBy: 'access-troubleshooter',
        decision: 'explicit-deny',
        layer: 'scp',
        denyingStatement: { policyArn: SCP_URI, sid: 'DenyPasswordData', statement: SCP_DOCUMENT.Statement[0] },
        awsAuthorization: { authorizationId: ID, decision: 'explicit-deny', matchedStatements: [{ sid: 'DenyPasswordData', layer: 'scp' }, { sid: 'AllowEc2Reads', layer: 'identity-policy' }] },
      });
      expect(diagnosis.summary).toContain(`authorization id ${ID}`);
    });

    it('does not ask for a denial older than the 24 hours AWS keeps its record, and says why', async () => {
      const before = server.requests.length;
      const diagnosis = await diagnoser()(withId(ID, '2026-11-28T09:00:00Z'));
      expect(server.requests.length).toBe(before);
      expect(diagnosis.decidedBy).toBe('policy-evaluation');
      expect(diagnosis.notChecked.join(' ')).toMatch(/older than the 24 hours/);
    });

    it('gives a fresh denial whose record AWS has not written a notChecked line, and asks an hour-old one once', async () => {
      const fresh = await diagnoser()(withId('never0written', '2026-11-30T09:59:00Z'));
      expect(fresh.notChecked.join(' ')).toMatch(/iam:GetRequestAuthorizationDetails failed \(no record after 4 attempts/);
      const before = server.requests.length;
      const old = await diagnoser()(withId('never0written', '2026-11-30T09:00:00Z'));
      expect(server.requests.length - before).toBe(1);
      expect(old.notChecked.join(' ')).toMatch(/AWS has no record for authorization id never0written/);
    });

    it('asks nothing for a message without an id', async () => {
      const before = server.requests.length;
      await diagnoser()(classify(real));
      expect(server.requests.length).toBe(before);
    });

    it('reports a refused call in notChecked and keeps its own evaluation', async () => {
      const diagnosis = await diagnoser()(withId('forbidden', '2026-11-30T09:30:00Z'));
      expect(diagnosis.decidedBy).toBe('policy-evaluation');
      expect(diagnosis.notChecked.join(' ')).toMatch(/Access Troubleshooter: iam:GetRequestAuthorizationDetails not permitted/);
    });

    it('the alert carries the console link and the statement AWS matched', async () => {
      const denial = withId(ID, '2026-11-30T09:00:00Z');
      const alert = { denyLayer: denial.denyLayer, denyKind: denial.denyKind, policyArn: null, authorizationId: denial.authorizationId, authorizationDetailsUrl: denial.authorizationDetailsUrl } as AlertSummary;
      const enriched = withDiagnosis(alert, await diagnoser()(denial));
      expect(enriched.authorizationDetailsUrl).toBe(URL_OF(ID));
      expect(enriched.diagnosis?.awsAuthorization?.matchedStatements[0]).toMatchObject({ policyArn: SCP_URI, sid: 'DenyPasswordData' });
      // AWS's record decides the alert's layer, kind and policy, over what the message said
      expect(enriched).toMatchObject({ denyLayer: 'scp', denyKind: 'explicit', policyArn: SCP_URI });
    });
  });
});

describe('the endpoint of a Region', () => {
  it('is iam-toolbox.{Region}.amazonaws.com, .amazonaws.com.cn in China, us-east-1 by default', () => {
    expect(iamToolboxEndpoint('us-east-1')).toBe('https://iam-toolbox.us-east-1.amazonaws.com');
    expect(iamToolboxEndpoint('cn-north-1')).toBe('https://iam-toolbox.cn-north-1.amazonaws.com.cn');
    expect(IAM_TOOLBOX_DEFAULTS).toMatchObject({ region: 'us-east-1', signingName: 'iam' });
  });
});

describe('verdictOf reads the two effect enums', () => {
  it('an evaluation EXPLICIT_DENY is explicit even when AWS lists no statement', () => {
    expect(verdictOf(ID, { evaluations: [{ action: 'iam:GetRole', resource: '*', evaluatedEffect: 'EXPLICIT_DENY', matchedPolicies: [] }] })).toMatchObject({ decision: 'explicit-deny', layer: null, matchedStatements: [] });
  });
  it('an IMPLICIT_DENY evaluation whose matched statements only ALLOW is implicit', () => {
    expect(verdictOf(ID, PAGE_1).decision).toBe('implicit-deny');
  });
  it('a statement DENY names the layer of its policy', () => {
    expect(verdictOf(ID, PAGE_2)).toMatchObject({ decision: 'explicit-deny', layer: 'scp' });
  });
  it('only ALLOW evaluations: allowed', () => {
    expect(verdictOf(ID, { evaluations: [{ evaluatedEffect: 'ALLOW', matchedPolicies: [] }] }).decision).toBe('allowed');
  });
});

describe('decidedByAws (pure)', () => {
  const denial = classify(readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventName === 'GetPasswordData')!);
  const own = diagnose(denial, { identity: [], scps: [], rcps: [], resourcePolicy: null });

  it('an explicit deny from AWS drops the own "add an Allow" changes and keeps the own verdict beside it', () => {
    expect(own).toMatchObject({ decision: 'implicit-deny', decidedBy: 'policy-evaluation' });
    expect(own.changes.length).toBeGreaterThan(0);
    const verdict = verdictOf(ID, { evaluations: PAGE_2.evaluations, policies: PAGE_2.policies });
    const decided = decidedByAws(own, verdict, denial.denyLayer);
    expect(decided).toMatchObject({ decision: 'explicit-deny', layer: 'scp', changes: [], decidedBy: 'access-troubleshooter', ownEvaluation: { decision: 'implicit-deny', layer: own.layer } });
  });

  it('an implicit deny from AWS keeps the own changes (AWS names no missing allow)', () => {
    const verdict = verdictOf(ID, { evaluations: [{ evaluatedEffect: 'IMPLICIT_DENY', matchedPolicies: [] }] });
    expect(verdict.decision).toBe('implicit-deny');
    expect(decidedByAws(own, verdict, denial.denyLayer)).toMatchObject({ decision: 'implicit-deny', layer: own.layer, changes: own.changes });
  });

  it('an answer in which every evaluation allowed says the denial came from outside IAM policies', () => {
    const verdict = verdictOf(ID, { evaluations: [{ evaluatedEffect: 'ALLOW', matchedPolicies: [{ uri: IDENTITY_URI, matchedStatements: [{ sid: 'A', evaluatedEffect: 'ALLOW' }] }] }] });
    expect(decidedByAws(null, verdict, null)).toMatchObject({ decision: 'allowed', summary: expect.stringMatching(/outside IAM policies/) });
  });
});

describe('the stack grant (lib/policy-lookups.ts)', () => {
  it('grants iam:GetRequestAuthorizationDetails and GetRequestAuthorizationPolicy only when the Access Troubleshooter is on', () => {
    const scope = { partition: 'aws', account: '111122223333' };
    expect(policyLookupGrants(scope).flatMap((grant) => grant.actions)).not.toContain('iam:GetRequestAuthorizationDetails');
    const grant = policyLookupGrants({ ...scope, accessTroubleshooter: true }).find((g) => g.sid === 'PolicyLookupAccessTroubleshooter');
    expect(grant).toMatchObject({ actions: [...ACCESS_TROUBLESHOOTER_ACTIONS], resources: ['*'] });
    expect(grant!.reason).toContain('iam:GetRequestAuthorizationDetails');
  });
});
