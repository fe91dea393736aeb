// The outputs open as what they claim to be: the CSVs parse as tables, summary.md renders as Markdown
// without any markup from the rules. Checked with independent parsers (csv-parse, marked).
import { parse } from 'csv-parse/sync';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { coverageCsvReporter, findingsCsvReporter } from '../../../src/report/csv.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { reportFor } from '../../helpers/load.js';
import { fixture } from '../../helpers/paths.js';

describe('outputs read back', async () => {
  const report = await reportFor([fixture('rules', 'hostile.yaml'), fixture('rules', 'unknown-ids.yaml')]);

  it('coverage.csv is a table with one row per in-scope technique', () => {
    const rows = parse(coverageCsvReporter.render(report, { outDir: '/' }), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(report.techniques.filter((t) => t.inScope).length);
    expect(rows.find((r) => r.technique_id === 'T1529')).toMatchObject({ status: 'covered', rule_count: '1', rules: '<img src=x onerror="window.__pwned=4">' });
    expect(rows.find((r) => r.technique_id === 'T1611')?.rules).toBe(`'=HYPERLINK("http://evil.example","x") 'quoted' "double"`);
  });

  it('findings.csv is a table with one row per finding', () => {
    const rows = parse(findingsCsvReporter.render(report, { outDir: '/' }), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(report.findings.length);
    expect(rows.map((r) => r.code)).toContain('revoked-technique');
  });

  it('summary.md renders to HTML with tables and no markup from the rules', async () => {
    const html = await marked.parse(renderSummaryMarkdown(report));
    expect(html).toMatch(/<table>/);
    expect(html).not.toMatch(/<img|<script|<b |href="javascript/i);
    expect(html).toContain('[link](javascript:alert(1))');
  });
});
