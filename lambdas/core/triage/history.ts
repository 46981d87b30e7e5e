/**
 * What the stored denial history says about an alert's principal and account, for the history-based triage signals
 * (new source IP, new user agent, new principal).
 *
 * History holds denials only: "never seen" means never seen in this principal's stored denials within the lookback.
 * A fresh table knows nothing, so the signals stay silent until the account's history is old enough
 * ({@link TRIAGE_HISTORY.minHistoryDays} days before the alert's window): a first deployment or a first replay does not
 * call every caller new.
 */

/** The history rules. */
export const TRIAGE_HISTORY = {
  /** The account must have a stored denial at least this many days before the window for history signals to speak. */
  minHistoryDays: 7,
  /** How far back the principal's known sources are collected. */
  lookbackDays: 30,
  /** At most this many of the principal's earlier denials are read (newest first). */
  principalLimit: 1000,
  /** At most this many of the account's older denials are read to find its oldest one. */
  accountLimit: 200,
} as const;

export const DAY_MS = 86_400_000;

/** One stored denial as the history query returns it (only the fields triage reads). */
export interface HistoryRow {
  sourceIp?: unknown;
  userAgent?: unknown;
  accountId?: unknown;
  principalArn?: unknown;
  eventTime?: unknown;
}

/** What history says, ready for {@link triageAlert}. */
export interface TriageHistory {
  /** Days of the account's history before the window (from its oldest stored denial seen); null when none. */
  accountHistoryDays: number | null;
  /** The principal's denials stored before the window, within the lookback. */
  principalDenials: number;
  knownSourceIps: ReadonlySet<string>;
  knownUserAgents: ReadonlySet<string>;
  lookbackDays: number;
}

/**
 * Folds history rows into {@link TriageHistory}. `principalRows` are the principal's denials before the window;
 * `accountRows` any denials before the window (rows of other accounts are ignored).
 */
export function triageHistoryOf(
  principalRows: readonly HistoryRow[],
  accountRows: readonly HistoryRow[],
  options: { accountId: string | null; windowStartMs: number; lookbackDays?: number },
): TriageHistory {
  const lookbackDays = options.lookbackDays ?? TRIAGE_HISTORY.lookbackDays;
  const before = principalRows.filter((row) => timeOf(row) !== null && timeOf(row)! < options.windowStartMs);
  const sameAccount = [...before, ...accountRows].filter((row) => options.accountId === null || row.accountId === options.accountId);
  const oldest = Math.min(...sameAccount.map(timeOf).filter((time): time is number => time !== null && time < options.windowStartMs));
  return {
    accountHistoryDays: Number.isFinite(oldest) ? Math.floor((options.windowStartMs - oldest) / DAY_MS) : null,
    principalDenials: before.length,
    knownSourceIps: new Set(before.map((row) => row.sourceIp).filter(isText)),
    knownUserAgents: new Set(before.map((row) => row.userAgent).filter(isText)),
    lookbackDays,
  };
}

function timeOf(row: HistoryRow): number | null {
  if (typeof row.eventTime !== 'string') return null;
  const time = Date.parse(row.eventTime);
  return Number.isFinite(time) ? time : null;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
