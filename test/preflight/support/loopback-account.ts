/**
 * A loopback AWS account for preflight: one real HTTP server (test/support/http-server.ts) answering the calls
 * preflight makes, in AWS's documented shapes, to the real SDK clients. JSON 1.1 services (CloudTrail, Service
 * Quotas, SSM, Organizations, Secrets Manager, EventBridge) are dispatched on `X-Amz-Target`, Query services (STS,
 * CloudFormation, SNS) on the form's `Action`. `failures` makes an operation answer an error every time (throttling,
 * access denied, an expired token).
 */
import { startHttpServer, type LocalServer } from '../../support/http-server.js';

type Json = Record<string, unknown>;

export interface AccountState {
  account: string;
  managementAccount?: string;
  organization?: { id: string; featureSet: string; delegatedAdmins: string[]; trusted: string[]; roots: string[]; units: string[] } | null;
  trails: Array<{ Name: string; HomeRegion: string; IsMultiRegionTrail: boolean; IsOrganizationTrail?: boolean; logging: boolean; EventSelectors?: Json[]; AdvancedEventSelectors?: Json[] }>;
  /** Applied value of "Event pattern size"; undefined: no applied value (NoSuchResourceException). */
  patternQuota?: number;
  bootstrapVersion?: number | null;
  secrets: Record<string, string>;
  /** Stacks by name: outputs and resources. */
  stacks: Record<string, { outputs: Record<string, string>; resources: Array<{ type: string; physicalId: string }> }>;
  topics: Record<string, Array<{ Protocol: string; Endpoint: string; SubscriptionArn: string }>>;
  buses: string[];
  stackSets: string[];
  /** Operation name → error code answered every time. */
  failures: Record<string, string>;
}

export function healthyAccount(): AccountState {
  return {
    account: '111122223333',
    managementAccount: '999999999999',
    organization: null,
    trails: [{ Name: 'org-trail', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true, logging: true, AdvancedEventSelectors: [{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }],
    patternQuota: 4096,
    bootstrapVersion: 28,
    secrets: { 'denial-alerter/slack': 'https://hooks.slack.com/services/T000/B000/SECRETVALUE' },
    stacks: {},
    topics: {},
    buses: [],
    stackSets: [],
    failures: {},
  };
}

const DENIED_MESSAGE = 'User: arn:aws:sts::111122223333:assumed-role/dev/x is not authorized to perform this action';

export interface LoopbackAccount {
  server: LocalServer;
  url: string;
  state: AccountState;
  /** Operation names called, in order. */
  operations(): string[];
  close(): Promise<void>;
}

export async function startLoopbackAccount(state: AccountState): Promise<LoopbackAccount> {
  const called: string[] = [];
  const server = await startHttpServer((request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const form = new URLSearchParams(target ? '' : request.body);
    const operation = target ? target.split('.').pop()! : (form.get('Action') ?? '');
    called.push(operation);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    const jsonError = (code: string, message: string, status = 400) => json(status, { __type: code, message, Message: message });
    const xml = (body: string) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(`<${operation}Response xmlns="https://aws.amazon.com/"><${operation}Result>${body}</${operation}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${operation}Response>`);
    };
    const xmlError = (code: string, message: string, status = 400) => {
      response.writeHead(status, { 'content-type': 'text/xml' });
      response.end(`<ErrorResponse xmlns="https://aws.amazon.com/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`);
    };
    const error = target ? jsonError : xmlError;
    const failure = state.failures[operation];
    if (failure) return error(failure, failure.includes('Denied') || failure.includes('Authorization') ? DENIED_MESSAGE : failure.startsWith('Expired') ? 'The security token included in the request is expired' : 'Rate exceeded', failure.includes('Denied') || failure.includes('Authorization') ? 403 : 400);
    const input = target ? (JSON.parse(request.body || '{}') as Json) : {};
    switch (operation) {
      case 'GetCallerIdentity':
        return xml(`<Arn>arn:aws:sts::${state.account}:assumed-role/dev/preflight</Arn><UserId>AROA:preflight</UserId><Account>${state.account}</Account>`);
      case 'DescribeTrails':
        return json(200, { trailList: state.trails.map(({ logging, EventSelectors, AdvancedEventSelectors, ...trail }) => ({ ...trail, TrailARN: `arn:aws:cloudtrail:${trail.HomeRegion}:${state.account}:trail/${trail.Name}`, HasCustomEventSelectors: Boolean(EventSelectors || AdvancedEventSelectors) })) });
      case 'GetTrailStatus':
        return json(200, { IsLogging: state.trails.find((trail) => String(input.Name).endsWith(`/${trail.Name}`))?.logging ?? false });
      case 'GetEventSelectors': {
        const trail = state.trails.find((candidate) => String(input.TrailName).endsWith(`/${candidate.Name}`))!;
        return json(200, { TrailARN: input.TrailName, ...(trail.AdvancedEventSelectors ? { AdvancedEventSelectors: trail.AdvancedEventSelectors } : { EventSelectors: trail.EventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] }) });
      }
      case 'GetServiceQuota':
        if (state.patternQuota === undefined) return jsonError('NoSuchResourceException', 'The request failed because the specified service quota does not exist.');
        return json(200, { Quota: { ServiceCode: 'events', QuotaCode: input.QuotaCode, QuotaName: 'Event pattern size', Value: state.patternQuota, Adjustable: true } });
      case 'GetAWSDefaultServiceQuota':
        return json(200, { Quota: { ServiceCode: 'events', QuotaCode: input.QuotaCode, QuotaName: 'Event pattern size', Value: 2048, Adjustable: true } });
      case 'DescribeStacks': {
        const name = form.get('StackName')!;
        if (name === 'CDKToolkit') {
          if (state.bootstrapVersion === null || state.bootstrapVersion === undefined) return xmlError('ValidationError', 'Stack with id CDKToolkit does not exist');
          return xml(`<Stacks><member><StackName>CDKToolkit</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs><member><OutputKey>BootstrapVersion</OutputKey><OutputValue>${state.bootstrapVersion}</OutputValue></member></Outputs></member></Stacks>`);
        }
        const stack = state.stacks[name];
        if (!stack) return xmlError('ValidationError', `Stack with id ${name} does not exist`);
        const outputs = Object.entries(stack.outputs).map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`).join('');
        return xml(`<Stacks><member><StackName>${name}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks>`);
      }
      case 'ListStackResources': {
        const stack = state.stacks[form.get('StackName')!]!;
        return xml(`<StackResourceSummaries>${stack.resources.map((resource, index) => `<member><LogicalResourceId>R${index}</LogicalResourceId><PhysicalResourceId>${resource.physicalId}</PhysicalResourceId><ResourceType>${resource.type}</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>2026-01-01T00:00:00Z</LastUpdatedTimestamp></member>`).join('')}</StackResourceSummaries>`);
      }
      case 'DescribeStackSet': {
        const name = form.get('StackSetName')!;
        if (!state.stackSets.includes(name)) return xmlError('StackSetNotFoundException', `StackSet ${name} not found`);
        return xml(`<StackSet><StackSetName>${name}</StackSetName><StackSetId>${name}:1234</StackSetId><Status>ACTIVE</Status></StackSet>`);
      }
      case 'GetParameter':
        if (state.bootstrapVersion === null || state.bootstrapVersion === undefined) return jsonError('ParameterNotFound', '');
        return json(200, { Parameter: { Name: input.Name, Type: 'String', Value: String(state.bootstrapVersion), Version: 1 } });
      case 'ListSubscriptionsByTopic': {
        const topic = form.get('TopicArn')!;
        return xml(`<Subscriptions>${(state.topics[topic] ?? []).map((subscription) => `<member><TopicArn>${topic}</TopicArn><Protocol>${subscription.Protocol}</Protocol><SubscriptionArn>${subscription.SubscriptionArn}</SubscriptionArn><Owner>${state.account}</Owner><Endpoint>${subscription.Endpoint}</Endpoint></member>`).join('')}</Subscriptions>`);
      }
      case 'DescribeEventBus':
        if (!state.buses.includes(String(input.Name))) return jsonError('ResourceNotFoundException', `Event bus ${String(input.Name)} does not exist.`);
        return json(200, { Name: input.Name, Arn: `arn:aws:events:eu-west-1:${state.account}:event-bus/${String(input.Name)}` });
      case 'GetSecretValue': {
        const id = String(input.SecretId);
        if (!(id in state.secrets)) return jsonError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return json(200, { ARN: `arn:aws:secretsmanager:eu-west-1:${state.account}:secret:${id}-AbCdEf`, Name: id, SecretString: state.secrets[id], VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
      }
      case 'DescribeOrganization': {
        const org = state.organization;
        if (!org) return jsonError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
        return json(200, { Organization: { Id: org.id, Arn: `arn:aws:organizations::${state.managementAccount}:organization/${org.id}`, FeatureSet: org.featureSet, MasterAccountId: state.managementAccount, MasterAccountArn: '', MasterAccountEmail: '' } });
      }
      case 'ListDelegatedAdministrators':
        return json(200, { DelegatedAdministrators: state.organization!.delegatedAdmins.map((id) => ({ Id: id, Status: 'ACTIVE' })) });
      case 'ListAWSServiceAccessForOrganization':
        return json(200, { EnabledServicePrincipals: state.organization!.trusted.map((principal) => ({ ServicePrincipal: principal })) });
      case 'ListRoots':
        return json(200, { Roots: state.organization!.roots.map((id) => ({ Id: id, Name: 'Root' })) });
      case 'DescribeOrganizationalUnit': {
        const id = String(input.OrganizationalUnitId);
        if (!state.organization!.units.includes(id)) return jsonError('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.");
        return json(200, { OrganizationalUnit: { Id: id, Name: 'Workloads' } });
      }
    }
    return error('InvalidAction', `the loopback account does not answer ${operation}`);
  });
  return { server, url: server.url, state, operations: () => [...called], close: () => server.close() };
}
