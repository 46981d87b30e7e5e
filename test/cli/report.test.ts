/**
 * `replay --report FILE.html` in a real headless Chromium (Debian's chromium through test/support/browser.ts): the page
 * is self-contained (no network), loads without a console error, draws one chart per top fingerprint plus the total,
 * marks the alerts where they fired, and shows the summary. Event text reaches it escaped.
 * UPDATE_SCREENSHOTS=1 also writes docs/report.png.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../lambdas/report/html.js';
import { createReportCollector } from '../../lambdas/report/collector.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { closeBrowser, screenshot, withPage } from '../support/browser.js';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst } from '../support/records.js';
import { runCli } from './run-cli.js';

const dynamo = useDynamoDbLocal();
const work = mkdtempSync(join(tmpdir(), 'denial-report-'));
const reportFile = join(work, 'report.html');
let html = '';
afterAll(() => closeBrowser());

/** Page-side code is a string: the test project compiles without the DOM library. */
const INSPECT = `(() => {
  const canvases = Array.from(document.querySelectorAll('#charts canvas'));
  const inked = canvases.map((canvas) => {
    const context = canvas.getContext('2d');
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && !(data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240)) coloured++;
    return coloured;
  });
  return {
    charts: document.querySelectorAll('#charts .chart').length,
    inked,
    alertMarks: Array.from(document.querySelectorAll('[data-alert-marks]')).map((element) => Number(element.getAttribute('data-alert-marks'))),
    summary: Object.fromEntries(Array.from(document.querySelectorAll('#summary tr')).map((row) => [row.cells[0].textContent, row.cells[1].textContent])),
    alertRows: document.querySelectorAll('#alerts tr').length - 1,
    images: document.querySelectorAll('img').length,
    scripts: Array.from(document.querySelectorAll('script[src]')).length,
  };
})()`;

beforeAll(async () => {
  const { tableName } = await dynamo.newTable();
  const result = await runCli(['replay', '--json', '--report', reportFile, '--endpoint', dynamo.emulator().endpoint, '--table', tableName, '--dead-letter', join(work, 'dl.jsonl'), STRATUS_ALL_EVENTS]);
  expect(result.status).toBe(0);
  expect(result.stderr).toContain(`Report written to ${reportFile}`);
  html = readFileSync(reportFile, 'utf8');
}, 120_000);

describe('replay --report', () => {
  it('is one self-contained file: the charting library inlined, nothing fetched', () => {
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('loads in Chromium without a console error and draws every chart, alerts marked where they fired', async () => {
    const { result, consoleErrors } = await withPage(html, (page) => page.evaluate(INSPECT) as Promise<any>, { width: 1200 });
    expect(consoleErrors).toEqual([]);
    // All denials, then the top fingerprints (8 in the stratus timeline).
    expect(result.charts).toBe(9);
    expect(result.inked).toHaveLength(result.charts);
    expect(result.inked.every((count: number) => count > 500)).toBe(true);
    // The two spikes on the total chart and each on its own fingerprint's chart; the three blinding changes of the
    // timeline (its real DeleteTrail, PutEventSelectors and StopLogging) on the total chart only.
    expect(result.alertMarks.reduce((sum: number, marks: number) => sum + marks, 0)).toBe(7);
    expect(result.summary).toMatchObject({ records: '310', denials: '51', fingerprints: '8', alerts: '5' });
    expect(result.alertRows).toBe(5);
    expect(result.scripts).toBe(0);
  }, 60_000);

  it('shows hostile event text as text', async () => {
    const settings = resolveSettings({});
    const collector = createReportCollector(settings);
    const hostile = syntheticBurst(6, Date.parse('2025-01-01T00:00:00Z'), 1, { principal: 'x"><img src=x onerror=alert(1)><script>alert(2)</script>' });
    collector.records(hostile);
    const page = renderReport(collector.result());
    expect(page).not.toContain('<img src=x');
    const { result, consoleErrors } = await withPage(page, (tab) => tab.evaluate(INSPECT) as Promise<any>);
    expect(consoleErrors).toEqual([]);
    expect(result.images).toBe(0);
    expect(result.charts).toBe(2);
  }, 60_000);

  it('renders the screenshot kept in docs/report.png', async () => {
    const target = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../../docs/report.png', import.meta.url)) : join(work, 'report.png');
    const { height, consoleErrors } = await screenshot(html, target, { width: 1100, deviceScaleFactor: 1 });
    expect(consoleErrors).toEqual([]);
    expect(height).toBeGreaterThan(900);
  }, 60_000);
});
