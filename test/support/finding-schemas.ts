/**
 * A small checker of the two finding formats, written from their published schemas (not from the mapping's own
 * constants, so a test that uses it can fail):
 * - ASFF: required attributes (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html),
 *   lengths and counts of API_AwsSecurityFinding, API_Resource, API_Recommendation, the `Other` details page, the
 *   namespaces of `Types`, `SeverityLabel`, `RecordState`, `Partition`, and the 240 KB limit of BatchImportFindings.
 * - OCSF 1.1.0 Detection Finding (https://schema.ocsf.io/1.1.0/classes/detection_finding): the base event's required
 *   attributes, the class and category ids, activity and type ids, severity ids, finding_info's required `uid` and
 *   `title`, metadata's `product` and `version`, observables' required `name` and valid `type_id`, remediation's
 *   required `desc`, timestamps as epoch milliseconds.
 * Returns every problem found, as `path: what` lines; empty when the finding conforms.
 */

const ASFF_REQUIRED = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Title', 'UpdatedAt'] as const;
const ASFF_NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b', 'AzureCloud'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Json = Record<string, unknown>;

function length(problems: string[], path: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'string') problems.push(`${path}: not a string`);
  else if (value.length < min || value.length > max) problems.push(`${path}: length ${value.length} outside ${min}–${max}`);
  else if (!/\S/.test(value)) problems.push(`${path}: blank (pattern .*\\S.*)`);
}

/** Problems of one ASFF finding. */
export function asffProblems(finding: Json): string[] {
  const problems: string[] = [];
  for (const key of ASFF_REQUIRED) if (finding[key] === undefined) problems.push(`${key}: required`);
  if (finding.SchemaVersion !== '2018-10-08') problems.push(`SchemaVersion: ${String(finding.SchemaVersion)}`);
  length(problems, 'Id', finding.Id, 1, 512);
  length(problems, 'GeneratorId', finding.GeneratorId, 1, 512);
  length(problems, 'Title', finding.Title, 1, 256);
  length(problems, 'Description', finding.Description, 1, 1024);
  length(problems, 'ProductArn', finding.ProductArn, 12, 2048);
  if (!/^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:(\d{12}):product\/\2\/default$/.test(String(finding.ProductArn))) problems.push(`ProductArn: not the account's default product: ${String(finding.ProductArn)}`);
  if (!/^\d{12}$/.test(String(finding.AwsAccountId))) problems.push('AwsAccountId: not 12 digits');
  if (!String(finding.ProductArn).includes(`:${String(finding.AwsAccountId)}:product/`)) problems.push('AwsAccountId: not the default product\'s account (BatchImportFindings refuses it)');
  for (const key of ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt']) {
    if (finding[key] !== undefined && !ISO_TIME.test(String(finding[key]))) problems.push(`${key}: not an ISO 8601 UTC time`);
  }
  const types = [finding.Types, (finding.FindingProviderFields as Json | undefined)?.Types].filter((value) => value !== undefined);
  for (const list of types) {
    if (!Array.isArray(list) || list.length > 50) problems.push('Types: not an array of at most 50');
    else for (const type of list) {
      const parts = String(type).split('/');
      if (parts.length < 2 || parts.length > 3 || !ASFF_NAMESPACES.includes(parts[0]!)) problems.push(`Types: ${String(type)} is not namespace/category/classifier`);
    }
  }
  for (const severity of [finding.Severity, (finding.FindingProviderFields as Json | undefined)?.Severity]) {
    if (severity !== undefined && !SEVERITY_LABELS.includes(String((severity as Json).Label))) problems.push(`Severity.Label: ${String((severity as Json).Label)}`);
  }
  if (finding.RecordState !== undefined && !['ACTIVE', 'ARCHIVED'].includes(String(finding.RecordState))) problems.push(`RecordState: ${String(finding.RecordState)}`);
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > 32) problems.push('Resources: not 1–32 resources');
  else resources.forEach((resource: Json, index) => {
    length(problems, `Resources[${index}].Type`, resource.Type, 1, 256);
    length(problems, `Resources[${index}].Id`, resource.Id, 1, Number.MAX_SAFE_INTEGER);
    if (resource.Partition !== undefined && !PARTITIONS.includes(String(resource.Partition))) problems.push(`Resources[${index}].Partition: ${String(resource.Partition)}`);
    if (resource.Region !== undefined) length(problems, `Resources[${index}].Region`, resource.Region, 1, 16);
    const other = (resource.Details as Json | undefined)?.Other as Json | undefined;
    if (other) {
      if (Object.keys(other).length > 50) problems.push(`Resources[${index}].Details.Other: more than 50 pairs`);
      for (const [key, value] of Object.entries(other)) {
        if (key.length >= 128) problems.push(`Resources[${index}].Details.Other: key of ${key.length} characters`);
        if (String(value).length >= 1024) problems.push(`Resources[${index}].Details.Other.${key}: ${String(value).length} characters`);
      }
    }
  });
  const fields = finding.ProductFields as Json | undefined;
  if (fields) {
    if (Object.keys(fields).length > 50) problems.push('ProductFields: more than 50 pairs');
    for (const [key, value] of Object.entries(fields)) {
      if (key.length > 128) problems.push(`ProductFields: key of ${key.length} characters`);
      if (typeof value !== 'string' || value.length > 2048) problems.push(`ProductFields.${key}: not a string of at most 2,048 characters`);
    }
  }
  const recommendation = (finding.Remediation as Json | undefined)?.Recommendation as Json | undefined;
  if (recommendation?.Text !== undefined) length(problems, 'Remediation.Recommendation.Text', recommendation.Text, 1, 512);
  if (recommendation?.Url !== undefined && !/^https:\/\//.test(String(recommendation.Url))) problems.push('Remediation.Recommendation.Url: not an https URL');
  if (finding.SourceUrl !== undefined && !/^https:\/\//.test(String(finding.SourceUrl))) problems.push('SourceUrl: not an https URL');
  const bytes = Buffer.byteLength(JSON.stringify(finding));
  if (bytes > 240 * 1024) problems.push(`finding: ${bytes} bytes, over 240 KB`);
  return problems;
}

const OCSF_BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'] as const;
/** objects/observable.json at v1.1.0 and later: the type ids. */
const OBSERVABLE_TYPE_IDS = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 30, 99]);
const SEVERITY_NAMES: Record<number, string> = { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' };
const ACTIVITY_NAMES: Record<number, string> = { 0: 'Unknown', 1: 'Create', 2: 'Update', 3: 'Close', 99: 'Other' };
const STATUS_IDS = new Set([0, 1, 2, 3, 4, 99]);

const isTimestamp = (value: unknown) => Number.isInteger(value) && (value as number) > 1e11 && (value as number) < 1e14;

/** Problems of one OCSF 1.1.0 Detection Finding. */
export function ocsfProblems(event: Json): string[] {
  const problems: string[] = [];
  for (const key of OCSF_BASE_REQUIRED) if (event[key] === undefined) problems.push(`${key}: required`);
  if (event.class_uid !== 2004) problems.push(`class_uid: ${String(event.class_uid)}, not 2004`);
  if (event.category_uid !== 2) problems.push(`category_uid: ${String(event.category_uid)}, not 2`);
  const activity = event.activity_id as number;
  if (!(activity in ACTIVITY_NAMES)) problems.push(`activity_id: ${activity}`);
  else if (event.activity_name !== undefined && event.activity_name !== ACTIVITY_NAMES[activity]) problems.push(`activity_name: ${String(event.activity_name)} for ${activity}`);
  if (event.type_uid !== 2004 * 100 + activity) problems.push(`type_uid: ${String(event.type_uid)}, not class_uid × 100 + activity_id`);
  const severity = event.severity_id as number;
  if (!(severity in SEVERITY_NAMES)) problems.push(`severity_id: ${severity}`);
  else if (event.severity !== undefined && event.severity !== SEVERITY_NAMES[severity]) problems.push(`severity: ${String(event.severity)} for ${severity}`);
  if (event.status_id !== undefined && !STATUS_IDS.has(event.status_id as number)) problems.push(`status_id: ${String(event.status_id)}`);
  if (event.status_id === 99 && !event.status) problems.push('status: required with status_id 99');
  if (!isTimestamp(event.time)) problems.push('time: not epoch milliseconds');
  const metadata = event.metadata as Json | undefined;
  if (!metadata?.version || !/^1\.1\.0$/.test(String(metadata.version))) problems.push('metadata.version: not 1.1.0');
  const product = metadata?.product as Json | undefined;
  if (!product) problems.push('metadata.product: required');
  else if (!product.vendor_name && !product.name) problems.push('metadata.product: neither name nor vendor_name');
  const info = event.finding_info as Json | undefined;
  if (!info) problems.push('finding_info: required');
  else {
    length(problems, 'finding_info.uid', info.uid, 1, Number.MAX_SAFE_INTEGER);
    length(problems, 'finding_info.title', info.title, 1, Number.MAX_SAFE_INTEGER);
    for (const key of ['created_time', 'first_seen_time', 'last_seen_time', 'modified_time']) {
      if (info[key] !== undefined && !isTimestamp(info[key])) problems.push(`finding_info.${key}: not epoch milliseconds`);
    }
    if (info.types !== undefined && (!Array.isArray(info.types) || info.types.some((type) => typeof type !== 'string'))) problems.push('finding_info.types: not strings');
    const analytic = info.analytic as Json | undefined;
    if (analytic && ![0, 1, 2, 3, 4, 99].includes(analytic.type_id as number)) problems.push(`finding_info.analytic.type_id: ${String(analytic.type_id)}`);
  }
  const remediation = event.remediation as Json | undefined;
  if (remediation && !remediation.desc) problems.push('remediation.desc: required');
  const observables = event.observables;
  if (observables !== undefined) {
    if (!Array.isArray(observables)) problems.push('observables: not an array');
    else observables.forEach((observable: Json, index) => {
      if (!observable.name) problems.push(`observables[${index}].name: required`);
      if (!OBSERVABLE_TYPE_IDS.has(observable.type_id as number)) problems.push(`observables[${index}].type_id: ${String(observable.type_id)}`);
      if (observable.type_id === 99 && !observable.type) problems.push(`observables[${index}].type: required with type_id 99`);
    });
  }
  for (const [index, resource] of ((event.resources as Json[] | undefined) ?? []).entries()) {
    if (!resource.uid && !resource.name) problems.push(`resources[${index}]: neither uid nor name`);
  }
  for (const [index, evidence] of ((event.evidences as Json[] | undefined) ?? []).entries()) {
    const present = ['actor', 'api', 'connection_info', 'data', 'dst_endpoint', 'file', 'process', 'query', 'src_endpoint'].filter((key) => evidence[key] !== undefined);
    if (present.length === 0) problems.push(`evidences[${index}]: none of its attributes`);
  }
  return problems;
}
