// heatmap.html: one self-contained page (d3, script, style and report inlined; no network request)
// drawing the ATT&CK matrix. A Content-Security-Policy allows only the page's own scripts, by hash. The data is
// the report as heatmap-data.ts cuts it down to what the page reads.
import type { CoverageReport } from '../coverage-report.js';
import { assertInlineSafe, cspHash, escapeHtml, escapeScriptJson, fillTemplate, jsonForScript } from './html-safety.js';
import { heatmapData } from './heatmap-data.js';
import { compactJsonChunks } from './json-chunks.js';
import type { Reporter, ReporterContext } from './reporter.js';

/** The page around its data: the template filled in, split where the report's JSON goes. */
function pageAround(report: CoverageReport, context: ReporterContext): [string, string] {
  const assets = context.assets;
  if (!assets) throw new Error('the heatmap reporter needs its assets (templates/heatmap.*, d3)');
  const d3 = assertInlineSafe('d3', assets.d3);
  const app = assertInlineSafe('templates/heatmap.js', assets.heatmapScript);
  const { attack } = report.inputs;
  const values = {
    SCRIPT_HASHES: [cspHash(d3), cspHash(app)].join(' '),
    STYLE_HASH: cspHash(assets.heatmapStyle),
    TITLE: escapeHtml(`ATT&CK ${attack.version} coverage — Falco rules`),
    STYLE: assets.heatmapStyle,
    D3: d3,
    APP: app,
  };
  const [before, after, ...more] = assets.heatmapPage.split('%%DATA%%');
  if (after === undefined || more.length > 0) throw new Error('templates/heatmap.html must hold %%DATA%% once');
  return [fillTemplate(before!, values), fillTemplate(after, values)];
}

export function renderHeatmap(report: CoverageReport, context: ReporterContext): string {
  const [before, after] = pageAround(report, context);
  return `${before}${jsonForScript(heatmapData(report))}${after}`;
}

/** renderHeatmap's text in pieces: the page's data (3 MB at 10,000 rules) is never one string. */
export function* heatmapChunks(report: CoverageReport, context: ReporterContext): Generator<string> {
  const [before, after] = pageAround(report, context);
  yield before;
  for (const piece of compactJsonChunks(heatmapData(report))) yield escapeScriptJson(piece);
  yield after;
}

export const heatmapReporter: Reporter = {
  name: 'heatmap',
  fileName: 'heatmap.html',
  description: 'self-contained HTML heatmap of the ATT&CK matrix',
  render: renderHeatmap,
  chunks: heatmapChunks,
};
