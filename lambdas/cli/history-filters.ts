/**
 * How `history` reads its filters: a session ARN names its role, an action matches case-insensitively with `*` and
 * `?` wildcards, and the time window is checked (`--until` after `--since`).
 */
import { UsageError } from './command-kit.js';
import { parseTimeBound } from './time-bound.js';
import { globToRegExp } from '../core/spike/suppression.js';

/** What a principal filter matches: an exact ARN (the index), or a role by account and name with any path. */
export interface PrincipalFilter {
  /** The ARN to look up in the principal index. */
  arn: string;
  /** When the path is unknown (from a session ARN): any role of that account and name. */
  matches?: (principalArn: string) => boolean;
  /** Said to the user when the given ARN was read as another. */
  note?: string;
}

const SESSION_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)(?:\/(.+))?$/;

/**
 * Reads `--principal`: an IAM ARN as is; a session ARN (`arn:aws:sts::123:assumed-role/Role/session`, as CloudTrail's
 * `userIdentity.arn` shows it) becomes its role, matched with any role path.
 */
export function principalFilter(value: string): PrincipalFilter {
  if (!/^arn:[a-z-]+:[a-z0-9-]*:[^:]*:[^:]*:.+/.test(value.trim())) {
    throw new UsageError(`--principal ${JSON.stringify(value)} is not an ARN: give a user, role or session ARN (arn:aws:iam::123456789012:role/deploy)`);
  }
  const session = SESSION_ARN.exec(value.trim());
  if (!session) return { arn: value.trim() };
  const [, partition, account, role, sessionName] = session;
  const arn = `arn:${partition}:iam::${account}:role/${role}`;
  const pattern = new RegExp(`^arn:${escapeRegExp(partition!)}:iam::${account}:role/(?:.*/)?${escapeRegExp(role!)}$`);
  return {
    arn,
    matches: (principalArn) => pattern.test(principalArn),
    note: `a session ARN: showing denials of its role ${arn}${sessionName ? ` (every session, not only ${sessionName})` : ''}`,
  };
}

/** What an action filter matches: an exact canonical action (the index), or a case-insensitive pattern. */
export interface ActionFilter {
  /** The canonical action for the action index, when there is no wildcard and IAM knows it. */
  exact?: string;
  matches: (action: string) => boolean;
}

/**
 * Reads `--action`: case-insensitive, `*` and `?` wildcards (`ec2:*`, `s3:Get*`, `*:PassRole`).
 * `canonical` turns `EC2:getpassworddata` into `ec2:GetPasswordData` (null when IAM has no such action).
 */
export function actionFilter(value: string, canonical: (action: string) => string | null): ActionFilter {
  const trimmed = value.trim();
  if (!trimmed) throw new UsageError('--action is empty');
  const pattern = globToRegExp(trimmed);
  const matches = (action: string) => pattern.test(action);
  if (/[*?]/.test(trimmed)) return { matches };
  return { exact: canonical(trimmed) ?? undefined, matches };
}

/** The time window; throws a usage error for an unreadable bound or an `--until` not after `--since`. */
export function timeWindow(since: string | undefined, until: string | undefined, nowMs: number, defaultSinceMs: number): { sinceMs: number; untilMs: number } {
  const sinceMs = since === undefined ? defaultSinceMs : parseTimeBound(since, nowMs);
  const untilMs = until === undefined ? nowMs : parseTimeBound(until, nowMs);
  if (sinceMs === null) throw new UsageError(`--since "${since}": give a duration back from now (30m, 24h, 7d, 2w) or an ISO time (2024-07-30T21:00:00Z)`);
  if (untilMs === null) throw new UsageError(`--until "${until}": give a duration back from now (30m, 24h, 7d, 2w) or an ISO time (2024-07-31)`);
  if (untilMs <= sinceMs) {
    throw new UsageError(`--until (${new Date(untilMs).toISOString()}) must be after --since (${new Date(sinceMs).toISOString()})`);
  }
  return { sinceMs, untilMs };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
