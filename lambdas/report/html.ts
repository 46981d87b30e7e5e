/**
 * The replay report: one self-contained HTML page (uPlot and its stylesheet inlined from node_modules, no network)
 * with denials per minute (all, and per top fingerprint), alerts marked where they fired, and the summary tables.
 * Event text is untrusted: it reaches the page only HTML-escaped, or as JSON inside a script element with `<` escaped.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FingerprintSeries, ReportAlert, ReportData } from './collector.js';

/** Fingerprints drawn one chart each (the busiest, and any that alerted, up to this many). */
export const TOP_FINGERPRINTS = 8;
/** Points per chart at most: longer replays are drawn in wider buckets than a minute. */
export const MAX_POINTS = 20_000;

const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** The chart data the page script reads. */
export interface ChartModel {
  /** Bucket start times, seconds since the epoch. */
  times: number[];
  bucketMinutes: number;
  all: number[];
  series: Array<{ fingerprint: string; label: string; colour: string; counts: number[] }>;
  alerts: Array<{ fingerprint: string; atSeconds: number; label: string; colour: string }>;
}

/** Picks the fingerprints to draw and buckets their counts on one time axis. */
export function chartModel(data: ReportData): ChartModel {
  const alerted = new Set(data.alerts.map((alert) => alert.fingerprint));
  const chosen = [...data.fingerprints.slice(0, TOP_FINGERPRINTS)];
  for (const series of data.fingerprints) {
    if (chosen.length >= TOP_FINGERPRINTS + 2) break;
    if (alerted.has(series.fingerprint) && !chosen.includes(series)) chosen.push(series);
  }
  let first = Infinity;
  let last = -Infinity;
  for (const series of data.fingerprints) {
    for (const minute of series.perMinute.keys()) {
      if (minute < first) first = minute;
      if (minute > last) last = minute;
    }
  }
  if (!Number.isFinite(first)) return { times: [], bucketMinutes: 1, all: [], series: [], alerts: [] };
  const span = last - first + 1;
  const bucketMinutes = Math.max(1, Math.ceil(span / MAX_POINTS));
  const buckets = Math.ceil(span / bucketMinutes);
  const times = Array.from({ length: buckets }, (_, index) => (first + index * bucketMinutes) * 60);
  const countsOf = (series: FingerprintSeries) => {
    const counts = new Array<number>(buckets).fill(0);
    for (const [minute, count] of series.perMinute) counts[Math.floor((minute - first) / bucketMinutes)]! += count;
    return counts;
  };
  const all = new Array<number>(buckets).fill(0);
  for (const series of data.fingerprints) countsOf(series).forEach((count, index) => (all[index]! += count));
  const colours = new Map(chosen.map((series, index) => [series.fingerprint, PALETTE[index % PALETTE.length]!]));
  return {
    times,
    bucketMinutes,
    all,
    series: chosen.map((series) => ({ fingerprint: series.fingerprint, label: seriesLabel(series), colour: colours.get(series.fingerprint)!, counts: countsOf(series) })),
    alerts: data.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      atSeconds: Math.floor(alert.atMs / 1000),
      label: `${alert.reason} ${alert.count}x`,
      colour: colours.get(alert.fingerprint) ?? '#000000',
    })),
  };
}

function seriesLabel(series: Pick<FingerprintSeries, 'action' | 'principalArn'>): string {
  const principal = series.principalArn ? series.principalArn.replace(/^arn:aws[a-z-]*:(iam|sts)::/, '') : 'unknown principal';
  return `${series.action ?? 'unknown action'} by ${principal}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside `<script type="application/json">`: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function uPlotAssets(): { script: string; css: string } {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
  return { script: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8') };
}

/** The whole page. */
export function renderReport(data: ReportData, generatedAt: Date = new Date()): string {
  const model = chartModel(data);
  const { script, css } = uPlotAssets();
  const alertCount = new Map<string, number>();
  for (const alert of data.alerts) alertCount.set(alert.fingerprint, (alertCount.get(alert.fingerprint) ?? 0) + 1);
  const summaryRows = data.summary
    ? ([
        ['records', data.summary.records],
        ['denials', data.summary.denials],
        ['fingerprints', data.summary.fingerprints],
        ['alerts', data.summary.alerts],
        ['suppressed', data.summary.suppressed],
        ['duplicates (already stored)', data.summary.duplicates],
        ['unreadable', data.summary.unreadable],
        ['not stored', data.summary.notStored],
        ['undelivered', data.summary.deliveryFailures],
        ['time', `${data.summary.seconds} s`],
      ] as const)
    : [];
  const unit = model.bucketMinutes === 1 ? 'minute' : `${model.bucketMinutes} minutes`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Denial Alerter replay report</title>
<style>${css}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: #666; margin-bottom: 16px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 12px; word-break: break-all; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.chart { margin: 6px 0 18px; } .chart h3 { font-size: 13px; font-weight: 600; margin: 0 0 2px; }
.empty { color: #666; font-style: italic; }
</style>
</head>
<body>
<h1>Denial Alerter replay report</h1>
<div class="meta">Generated ${escapeHtml(generatedAt.toISOString())} &middot; threshold ${escapeHtml(data.settings.threshold)} denials in ${escapeHtml(data.settings.windowMinutes)} min &middot; event time, UTC &middot; drag on a chart to zoom, double-click to reset</div>
<h2>Summary</h2>
<table id="summary">${summaryRows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td class="n">${escapeHtml(value)}</td></tr>`).join('')}</table>
<h2>Denials per ${escapeHtml(unit)}</h2>
${model.times.length === 0 ? '<p class="empty">No denials in this replay.</p>' : '<div id="charts"></div>'}
<h2>Alerts (${data.alerts.length})</h2>
${alertsTable(data.alerts, model)}
<h2>Top fingerprints</h2>
${fingerprintTable(data.fingerprints.slice(0, 50), alertCount, model)}
<script type="application/json" id="chart-data">${scriptJson(model)}</script>
<script>${script}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function swatch(colour: string | undefined): string {
  return colour ? `<span class="swatch" style="background:${escapeHtml(colour)}"></span>` : '';
}

function alertsTable(alerts: readonly ReportAlert[], model: ChartModel): string {
  if (alerts.length === 0) return '<p class="empty">No alert fired.</p>';
  const colour = new Map(model.series.map((series) => [series.fingerprint, series.colour]));
  const rows = alerts.map(
    (alert) =>
      `<tr><td>${escapeHtml(new Date(alert.atMs).toISOString().replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(alert.reason)}</td><td>${escapeHtml(alert.severity ?? '')}</td>` +
      `<td>${swatch(colour.get(alert.fingerprint))}<code>${escapeHtml(alert.action)}</code></td><td><code>${escapeHtml(alert.principalArn ?? '-')}</code></td>` +
      `<td class="n">${escapeHtml(alert.count)}</td><td><code>${escapeHtml(alert.fingerprint)}</code></td></tr>`,
  );
  return `<table id="alerts"><tr><th>fired (event time)</th><th>reason</th><th>severity</th><th>action</th><th>principal</th><th>count</th><th>fingerprint</th></tr>${rows.join('')}</table>`;
}

function fingerprintTable(fingerprints: readonly FingerprintSeries[], alertCount: ReadonlyMap<string, number>, model: ChartModel): string {
  if (fingerprints.length === 0) return '<p class="empty">No denials.</p>';
  const colour = new Map(model.series.map((series) => [series.fingerprint, series.colour]));
  const rows = fingerprints.map(
    (series) =>
      `<tr><td>${swatch(colour.get(series.fingerprint))}<code>${escapeHtml(series.fingerprint)}</code></td><td><code>${escapeHtml(series.action ?? '-')}</code></td>` +
      `<td><code>${escapeHtml(series.principalArn ?? '-')}</code></td><td><code>${escapeHtml(series.resourceFamily ?? '-')}</code></td>` +
      `<td>${escapeHtml(series.denyLayer ?? '-')}</td><td class="n">${series.total}</td><td class="n">${alertCount.get(series.fingerprint) ?? 0}</td></tr>`,
  );
  return `<table id="fingerprints"><tr><th>fingerprint</th><th>action</th><th>principal</th><th>resource family</th><th>layer</th><th>denials</th><th>alerts</th></tr>${rows.join('')}</table>`;
}

/** Draws the charts from the embedded JSON (runs in the page; plain ES2019, no imports). */
const PAGE_SCRIPT = String.raw`
(function () {
  var model = JSON.parse(document.getElementById('chart-data').textContent);
  var root = document.getElementById('charts');
  if (!root || model.times.length === 0) return;
  var width = Math.max(480, Math.min(1200, document.body.clientWidth - 8));
  function alertMarks(alerts) {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          var drawn = 0;
          ctx.save();
          alerts.forEach(function (alert) {
            var x = Math.round(u.valToPos(alert.atSeconds, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            drawn++;
            ctx.strokeStyle = alert.colour;
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = alert.colour;
            ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
            ctx.fillText('\u25BC ' + alert.label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
          });
          ctx.restore();
          u.root.setAttribute('data-alert-marks', String(drawn));
        }]
      }
    };
  }
  // Each fingerprint's chart shows its own active period (with some margin): a burst of a minute stays visible.
  function activeRange(counts) {
    var first = -1, last = -1;
    for (var i = 0; i < counts.length; i++) if (counts[i] > 0) { if (first < 0) first = i; last = i; }
    if (first < 0) return null;
    var pad = Math.max(30 * 60, (model.times[last] - model.times[first]) * 0.1);
    return [model.times[first] - pad, model.times[last] + pad];
  }
  function chart(title, series, alerts, height, range) {
    var box = document.createElement('div');
    box.className = 'chart';
    var heading = document.createElement('h3');
    heading.textContent = title;
    box.appendChild(heading);
    root.appendChild(box);
    new uPlot({
      width: width,
      height: height,
      scales: { x: range ? { time: true, range: function () { return range; } } : { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      series: [{ label: 'time (UTC)' }].concat(series.map(function (s) {
        return { label: s.label, stroke: s.colour, fill: s.colour + '33', width: 2, points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) };
      })),
      axes: [{}, { label: 'denials', size: 50 }],
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      legend: { show: true, live: true },
      plugins: [alertMarks(alerts)]
    }, [model.times].concat(series.map(function (s) { return s.counts; })), box);
  }
  chart('All denials', [{ label: 'all denials', colour: '#444444', counts: model.all }], model.alerts, 220);
  model.series.forEach(function (s) {
    chart(s.label + ' (' + s.fingerprint + ')', [s], model.alerts.filter(function (a) { return a.fingerprint === s.fingerprint; }), 160, activeRange(s.counts));
  });
  document.body.setAttribute('data-charts-drawn', String(root.querySelectorAll('canvas').length));
})();
`;

/** Writes the report page to `file`. */
export async function writeReport(file: string, data: ReportData): Promise<void> {
  await writeFile(file, renderReport(data));
}
