// heatmap.html: one self-contained page (d3, script, style and report inlined; no network request)
// drawing the ATT&CK matrix. A Content-Security-Policy allows only the page's own scripts, by hash.
import type { CoverageReport } from '../coverage-report.js';
import { assertInlineSafe, cspHash, escapeHtml, fillTemplate, jsonForScript } from './html-safety.js';
import type { Reporter, ReporterContext } from './reporter.js';

export function renderHeatmap(report: CoverageReport, context: ReporterContext): string {
  const assets = context.assets;
  if (!assets) throw new Error('the heatmap reporter needs its assets (templates/heatmap.*, d3)');
  const d3 = assertInlineSafe('d3', assets.d3);
  const app = assertInlineSafe('templates/heatmap.js', assets.heatmapScript);
  const { attack } = report.inputs;
  return fillTemplate(assets.heatmapPage, {
    SCRIPT_HASHES: [cspHash(d3), cspHash(app)].join(' '),
    STYLE_HASH: cspHash(assets.heatmapStyle),
    TITLE: escapeHtml(`ATT&CK ${attack.version} coverage — Falco rules`),
    STYLE: assets.heatmapStyle,
    DATA: jsonForScript(report),
    D3: d3,
    APP: app,
  });
}

export const heatmapReporter: Reporter = {
  name: 'heatmap',
  fileName: 'heatmap.html',
  description: 'self-contained HTML heatmap of the ATT&CK matrix',
  render: renderHeatmap,
};
