// The outputs open as what they claim to be: the CSVs parse as tables, summary.md renders as Markdown
// without any markup from the rules. Checked with independent parsers (csv-parse, marked, and GitHub's own
// cmark-gfm: Debian's package, which .ci/run installs).
import { execFileSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { coverageCsvReporter, findingsCsvReporter } from '../../../src/report/csv.js';
import { MAX_BYTES, escapeMarkdown, renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { reportFor } from '../../helpers/load.js';
import { fixture } from '../../helpers/paths.js';

/** Markdown as GitHub renders it: cmark-gfm with the extensions GitHub turns on, raw HTML let through (GitHub
 * sanitizes it, but any that got in would be markup from the rules). */
function githubHtml(markdown: string): string {
  try {
    return execFileSync('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter'], { input: markdown, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('cmark-gfm is not installed: apt-get install cmark-gfm (.ci/run does this)');
    throw error;
  }
}

/** The HTML elements summary.md itself writes. */
const OWN_TAGS = new Set(['p', 'h2', 'h3', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'strong', 'code', 'blockquote']);
const tagsIn = (html: string): string[] => [...new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()))];

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

  it('summary.md as GitHub renders it: no link, no element but its own, bare URLs and addresses included', () => {
    const bare = escapeMarkdown('see https://evil.example/y, www.evil.example, admin@evil.example, a.b+c@d.example, mailto:a@b.example, xmpp:x@y.example, [click](https://evil.example/x)');
    const html = githubHtml(bare);
    expect(html).not.toMatch(/<a /);
    expect(html.replace(/<!-- -->/g, '')).toBe('<p>see https://evil.example/y, www.evil.example, admin@evil.example, a.b+c@d.example, mailto:a@b.example, xmpp:x@y.example, [click](https://evil.example/x)</p>\n');
    const page = githubHtml(renderSummaryMarkdown(report));
    expect(page).toMatch(/<table>/);
    expect(page).toContain('[link](javascript:alert(1))');
    expect(tagsIn(page).filter((tag) => !OWN_TAGS.has(tag))).toEqual([]);
  });

  it('summary.md stays within MAX_BYTES and valid GFM, whatever the names: @ & < | ` [ escape up to 9 times their length', () => {
    const hostile = (i: number): string => `${'@&<|`['.repeat(60)}${i}`;
    const one = escapeMarkdown(hostile(1));
    expect(one.length).toBeLessThanOrEqual(600);
    expect(one).toMatch(/^(@<!-- -->&amp;&lt;\\\|\\`\\\[)+(@<!-- -->)?(&amp;)?(&lt;)?(\\\|)?(\\`)?…$/);
    const findings = Array.from({ length: 400 }, (_, i) => ({ ...report.findings[0]!, code: `code-${i % 40}`, file: hostile(i), rule: hostile(i), message: hostile(i) }));
    const gaps = report.gaps.map((g) => ({ ...g, name: hostile(g.priority.rank) }));
    const md = renderSummaryMarkdown({ ...report, findings, gaps, tactics: report.tactics.map((t) => ({ ...t, name: hostile(0) })) });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MAX_BYTES);
    expect(md).toMatch(/\n\n… \d+ more lines left out \(summary\.md is at most 50,000 bytes\): see report\.json, coverage\.csv and findings\.csv\.\n$/);
    // Whole table rows only, every comment closed: nothing of the names turns into markup.
    expect(md.split('\n').filter((line) => line.startsWith('|') && !line.endsWith('|'))).toEqual([]);
    const page = githubHtml(md);
    expect(page).not.toMatch(/<a /);
    expect(page.replace(/<!-- -->/g, '')).not.toContain('<!--');
    expect(tagsIn(page).filter((tag) => !OWN_TAGS.has(tag))).toEqual([]);
  });
});
