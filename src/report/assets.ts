// Reads what the HTML reporter inlines: the page template, its style and script, and d3's UMD build.
// I/O at the edge: reporters receive the text through their context.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { templatePath } from '../paths.js';
import type { ReportAssets } from './reporter.js';

export function loadReportAssets(): ReportAssets {
  const d3Entry = createRequire(import.meta.url).resolve('d3');
  return {
    heatmapPage: readFileSync(templatePath('heatmap.html'), 'utf8'),
    heatmapStyle: readFileSync(templatePath('heatmap.css'), 'utf8'),
    // The keyboard/layout helpers first: heatmap.js uses what they define. One inline script, one CSP hash.
    heatmapScript: ['heatmap-nav.js', 'heatmap-details.js', 'heatmap-threats.js', 'heatmap.js'].map((name) => readFileSync(templatePath(name), 'utf8')).join('\n'),
    d3: readFileSync(path.join(path.dirname(d3Entry), 'd3.min.js'), 'utf8'),
  };
}
