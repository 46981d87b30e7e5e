/**
 * Output for people and for programs: `explain` prints one compact line per record on a terminal and JSON lines when
 * piped or with --json; colour follows the terminal and NO_COLOR / FORCE_COLOR; event text never carries terminal
 * escape sequences through.
 */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../lambdas/cli/main.js';
import { describe, expect, it } from 'vitest';
import { colourEnabled, shortenMiddle } from '../../lambdas/terminal/style.js';
import { fitColumns } from '../../lambdas/cli/history-table.js';
import { principalFilter, actionFilter } from '../../lambdas/cli/history-filters.js';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { syntheticDenial } from '../support/records.js';
import { fakeTerminal, runCli } from './run-cli.js';

describe('explain on a terminal', () => {
  it('prints one compact line per record, denials first with action, principal, resource and layer', async () => {
    const result = await runCli(['explain', '--denied-only', STRATUS_ALL_EVENTS], { stdout: fakeTerminal(120), env: { NO_COLOR: '1' } });
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^DENIED {2}2024-07-30 21:31:10 {2}sts:AssumeRole {2}arn:aws:iam::457448411975:user\/christophe → arn:aws:iam::457448411975:role\/\S+ {2}\[unknown, unknown\] {2}[0-9a-f]{20}$/);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(300);
    expect(result.stderr).toMatch(/^310 record\(s\), 51 denial\(s\)$/m);
  });

  it('with no file and a terminal for standard input, says what to give instead of waiting', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk) => (text += chunk));
    const status = await main(['explain'], { stdin, stdout: new PassThrough(), stderr, env: {} });
    expect(status).toBe(2);
    expect(text).toMatch(/give FILE or DIR arguments, or pipe CloudTrail records into standard input/);
  });

  it('prints JSON lines with --json, and when not on a terminal', async () => {
    const forced = await runCli(['explain', '--json', '--denied-only', STRATUS_ALL_EVENTS], { stdout: fakeTerminal() });
    const piped = await runCli(['explain', '--denied-only', STRATUS_ALL_EVENTS]);
    expect(forced.lines()).toHaveLength(51);
    expect(piped.lines()).toEqual(forced.lines());
  });

  it('colours on a terminal only, never with NO_COLOR, and keeps escape sequences of event text out', async () => {
    const hostile = syntheticDenial({ time: '2025-01-01T00:00:00Z', principal: 'evil\u001b[2J\u001b]0;pwned\u0007-role' });
    const input = JSON.stringify(hostile);
    const coloured = await runCli(['explain'], { stdin: input, stdout: fakeTerminal() });
    expect(coloured.stdout).toMatch(/\u001b\[31m/);
    expect(coloured.stdout).not.toContain('\u001b[2J');
    expect(coloured.stdout).not.toContain('\u001b]0;');
    const plain = await runCli(['explain'], { stdin: input, stdout: fakeTerminal(), env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b');
    expect(plain.stdout).toContain('role/evil [2J ]0;pwned -role');
  });

  it('decides colour per stream', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled(new PassThrough(), {})).toBe(false);
    expect(colourEnabled(new PassThrough(), { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true);
  });
});

describe('history helpers', () => {
  it('shortens in the middle, keeping both ends', () => {
    expect(shortenMiddle('arn:aws:iam::123456789012:role/deploy/ci-runner', 24)).toBe('arn:aws:iam…oy/ci-runner');
    expect(shortenMiddle('short', 24)).toBe('short');
    expect([...shortenMiddle('arn:aws:iam::123456789012:role/x', 10)]).toHaveLength(10);
  });

  it('fits columns by shrinking the widest first, never below their minimum', () => {
    expect(fitColumns([19, 60, 30, 60], [16, 20, 10, 10], 100)).toEqual([19, 27, 27, 27]);
    const fitted = fitColumns([19, 60, 30, 60], [16, 40, 30, 10], 100);
    expect(fitted.reduce((sum, width) => sum + width, 0)).toBe(100);
    expect(fitted.slice(1, 3)).toEqual([40, 30]);
    expect(fitColumns([10, 10], [8, 8], 12)).toEqual([8, 8]);
  });

  it('reads a session ARN as its role and an action as a case-insensitive pattern', () => {
    const filter = principalFilter('arn:aws-us-gov:sts::123456789012:assumed-role/Deploy/session-1');
    expect(filter.arn).toBe('arn:aws-us-gov:iam::123456789012:role/Deploy');
    expect(filter.matches!('arn:aws-us-gov:iam::123456789012:role/team/Deploy')).toBe(true);
    expect(filter.matches!('arn:aws-us-gov:iam::123456789012:role/NotDeploy')).toBe(false);
    expect(principalFilter('arn:aws:iam::123456789012:user/alice')).toEqual({ arn: 'arn:aws:iam::123456789012:user/alice' });
    const wildcard = actionFilter('EC2:Describe*', () => null);
    expect(wildcard.exact).toBeUndefined();
    expect(['ec2:DescribeInstances', 'ec2:RunInstances', 's3:DescribeX'].filter(wildcard.matches)).toEqual(['ec2:DescribeInstances']);
    expect(actionFilter('EC2:getpassworddata', (action) => (action.toLowerCase() === 'ec2:getpassworddata' ? 'ec2:GetPasswordData' : null)).exact).toBe('ec2:GetPasswordData');
  });
});
