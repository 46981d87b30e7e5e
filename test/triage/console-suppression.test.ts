import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { BUILT_IN_SUPPRESSIONS, compileSuppressions, consoleSessionOf, type SuppressibleDenial } from '../../lambdas/core/spike/suppression.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

const suppressionOf = compileSuppressions(BUILT_IN_SUPPRESSIONS);

/**
 * panther-analysis-test-fixtures/negatives.jsonl, eventID 906c4056-df1e-4565-a40b-2ba216a0c849: a real console page
 * load (bedrock:ListGuardrails, `sessionCredentialFromConsole`, a Chrome user agent, `readOnly: true`).
 */
const consoleRecord = readJsonl('panther-analysis-test-fixtures/negatives.jsonl').find((record) => record.eventID === '906c4056-df1e-4565-a40b-2ba216a0c849')!;

/** Synthetic variant (labelled): the same call, denied, as AWS words an implicit identity-policy deny. */
function denied(record: CloudTrailRecord, action: string): CloudTrailRecord {
  return {
    ...record,
    errorCode: 'AccessDeniedException',
    errorMessage: `User: arn:aws:sts::123123123123:assumed-role/DevAdmin/dr.evil is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  };
}

/** What the engine suppresses on: the classified denial itself (classify carries the console facts of its record). */
function suppressible(record: CloudTrailRecord): SuppressibleDenial {
  return classify(record);
}

describe('console page loads are suppressed by the console session flag, a browser and a read-only call', () => {
  it('classify carries the console facts of the record (the engine suppresses on classify’s result alone)', () => {
    const denial = classify(denied(consoleRecord, 'bedrock:ListGuardrails'));
    expect(denial.consoleSession).toBe(consoleSessionOf(consoleRecord));
    expect(denial.consoleSession).toBe(true);
    expect(denial.readOnly).toBe(true);
    expect(classify({ ...consoleRecord, sessionCredentialFromConsole: 'true' }).consoleSession).toBe(true);
    const bare = { ...consoleRecord };
    delete bare.sessionCredentialFromConsole;
    delete bare.readOnly;
    expect(classify(bare)).toMatchObject({ consoleSession: false, readOnly: null });
  });

  it('the real console record shape, denied: suppressed as a console page load', () => {
    expect(consoleRecord.sessionCredentialFromConsole).toBe(true);
    const denial = suppressible(denied(consoleRecord, 'bedrock:ListGuardrails'));
    expect(denial.denied).toBe(true);
    expect(suppressionOf(denial)).toBe('console-session-read-only');
    // The flag as real CloudTrail writes it: the string "true".
    expect(suppressionOf(suppressible({ ...denied(consoleRecord, 'bedrock:ListGuardrails'), sessionCredentialFromConsole: 'true' }))).toBe('console-session-read-only');
  });

  it('a write from the console still alerts (deleting a guardrail is not a page load)', () => {
    const write = { ...denied(consoleRecord, 'bedrock:DeleteGuardrail'), eventName: 'DeleteGuardrail', readOnly: false };
    expect(suppressionOf(suppressible(write))).toBeNull();
  });

  it('a browser user agent without the console flag still alerts (a user agent is the caller’s to choose)', () => {
    const spoofed = { ...denied(consoleRecord, 'bedrock:ListGuardrails') };
    delete spoofed.sessionCredentialFromConsole;
    expect(suppressionOf(suppressible(spoofed))).toBeNull();
  });

  it('console credentials used from a script (not a browser) still alert', () => {
    const script = { ...denied(consoleRecord, 'bedrock:ListGuardrails'), userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64' };
    expect(suppressionOf(suppressible(script))).toBeNull();
  });

  it('without CloudTrail’s readOnly, the action verb decides', () => {
    const withoutFlag = { ...denied(consoleRecord, 'bedrock:ListGuardrails') };
    delete withoutFlag.readOnly;
    expect(suppressionOf(suppressible(withoutFlag))).toBe('console-session-read-only');
    expect(suppressionOf(suppressible({ ...denied(consoleRecord, 'bedrock:UpdateGuardrail'), readOnly: undefined }))).toBeNull();
  });

  it('the older rule for the console’s own user agent still applies', () => {
    const old = { ...classify(denied({ ...consoleRecord, userAgent: 'console.amazonaws.com' }, 'bedrock:ListGuardrails')) };
    expect(suppressionOf(old)).toBe('console-page-load-list');
  });
});
