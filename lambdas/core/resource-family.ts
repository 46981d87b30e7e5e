/**
 * Generalises a resource ARN to its family, so that one misconfiguration is one fingerprint: S3 object keys become
 * their top-level prefix, generated ids (instances, volumes, UUIDs, long hex or numeric ids) become `*`, Lambda
 * versions and aliases are dropped.
 */

/** An AWS-style generated id (`i-0abc…`, `vol-…`, `sg-…`), a UUID, a long hex or decimal run. */
const VOLATILE_SEGMENT =
  /^(?:[a-z]{1,6}-[0-9a-z]{8,17}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d{6,})$/i;

/** The family of a resource ARN; non-ARN values and `*` are returned as they are. */
export function resourceFamily(resource: string | null): string | null {
  if (!resource || !resource.startsWith('arn:')) return resource;
  const parts = resource.split(':');
  if (parts.length < 6) return resource;
  const service = parts[2];
  const head = parts.slice(0, 5).join(':');
  const rest = parts.slice(5).join(':');
  if (service === 's3') return `${head}:${s3Family(rest)}`;
  if (service === 'lambda' && parts[5] === 'function') return `${head}:function:${parts[6] ?? '*'}`;
  if (service === 'logs' && parts[5] === 'log-group') return `${head}:log-group:${parts[6] ?? '*'}`;
  return `${head}:${rest.split('/').map(generalise).join('/')}`;
}

function s3Family(rest: string): string {
  const slash = rest.indexOf('/');
  if (slash < 0) return rest; // a bucket
  const bucket = rest.slice(0, slash);
  const key = rest.slice(slash + 1);
  const next = key.indexOf('/');
  return next < 0 ? `${bucket}/*` : `${bucket}/${key.slice(0, next)}/*`;
}

function generalise(segment: string): string {
  // `db:name` style segments keep their type, the id part is generalised.
  return segment
    .split(':')
    .map((piece) => (VOLATILE_SEGMENT.test(piece) ? '*' : piece))
    .join(':');
}
