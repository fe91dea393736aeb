// Every reporter on one fixture report, against golden files (regenerate with `npx vitest -u`, review the diff).
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { loadReportAssets, pageEscapes } from '../../../src/report/assets.js';
import { coverageCsvReporter, findingsCsvReporter, neutralizeFormula } from '../../../src/report/csv.js';
import { heatmapChunks, renderHeatmap } from '../../../src/report/heatmap.js';
import { jsonReporter } from '../../../src/report/json.js';
import { buildLayer, layerReporter } from '../../../src/report/layer.js';
import { validateLayer } from '../../../src/report/layer-schema.js';
import { selectReporters } from '../../../src/report/registry.js';
import { escapeMarkdown, renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { templatePath } from '../../../src/paths.js';
import { escapeForTerminal, UNSAFE_CHARACTERS } from '../../../src/terminal-text.js';
import { reportFor } from '../../helpers/load.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

const golden = (name: string) => path.join(repoRoot, 'test', 'golden', name);
const FIXTURE_RULES = ['conventional.yaml', 'base.yaml', 'override.yaml', 'tactic-mismatch.yaml', 'unknown-ids.yaml'].map((f) => fixture('rules', f));

describe('reporters on the fixture report', async () => {
  const report = await reportFor(FIXTURE_RULES);
  const context = { outDir: '/out' };

  it('layer.json matches its golden file and validates as a 4.5 layer', async () => {
    const text = layerReporter.render(report, context);
    await expect(text).toMatchFileSnapshot(golden('layer-mini.json'));
    expect(validateLayer(JSON.parse(text))).toEqual([]);
  });
  it('coverage.csv matches its golden file', async () => {
    await expect(coverageCsvReporter.render(report, context)).toMatchFileSnapshot(golden('coverage-mini.csv'));
  });
  it('findings.csv matches its golden file', async () => {
    await expect(findingsCsvReporter.render(report, context)).toMatchFileSnapshot(golden('findings-mini.csv'));
  });
  it('summary.md matches its golden file', async () => {
    await expect(renderSummaryMarkdown(report)).toMatchFileSnapshot(golden('summary-mini.md'));
  });
  // heatmap.html: its golden pins the data block and the DOM Chromium builds (test/browser/heatmap-golden.test.ts).
  it('heatmap.html and report.json written in pieces are the bytes rendered whole', () => {
    const assets = { ...loadReportAssets(), d3: '/* d3 stub */' };
    expect([...heatmapChunks(report, { outDir: '/out', assets })].join('')).toBe(renderHeatmap(report, { outDir: '/out', assets }));
    expect([...jsonReporter.chunks!(report, context)].join('')).toBe(jsonReporter.render(report, context));
  });
  // The page's golden is checked in Chromium (test/browser), where a mutant of assets.ts is invisible.
  it('heatmap.html inlines one script: the keyboard, details and threats helpers, then heatmap.js', () => {
    const template = (name: string) => readFileSync(templatePath(name), 'utf8');
    const { heatmapPage, heatmapStyle, heatmapScript } = loadReportAssets();
    // The unsafe characters (the terminal's) for the text guard, then the scripts in the order they run.
    expect(heatmapScript).toBe(`${pageEscapes()}\n${template('heatmap-text.js')}\n${template('heatmap-nav.js')}\n${template('heatmap-details.js')}\n${template('heatmap-threats.js')}\n${template('heatmap.js')}`);
    expect([heatmapPage, heatmapStyle]).toEqual([template('heatmap.html'), template('heatmap.css')]);
  });

  it('has the page show every unsafe character as the terminal escapes it: its guard run on each of them, and through d3\'s .text()', () => {
    // The guard as the page runs it, after the character class the reporter writes, with a stand-in for d3's .text().
    const set: unknown[] = [];
    const d3 = { selection: { prototype: { text(value?: unknown) { if (arguments.length > 0) set.push(value); return arguments.length === 0 ? 'got' : this; } } } };
    const page = { window: { d3 } as Record<string, unknown> };
    vm.runInNewContext(`${pageEscapes()}\n${readFileSync(templatePath('heatmap-text.js'), 'utf8')}`, page);
    const visible = page.window.attackCovVisible as (text: string) => string;
    const unsafe = new RegExp(`[${UNSAFE_CHARACTERS}]`, 'gu');
    const every: string[] = [];
    for (let code = 0; code <= 0xe007f; code++) if (code < 0xd800 || code > 0xdfff) { const c = String.fromCodePoint(code); if (unsafe.test(c)) every.push(c); unsafe.lastIndex = 0; }
    expect(every).toHaveLength(245); // C0, DEL and C1, bidi and invisible characters, variation selectors, 128 tag characters
    const hostile = `a${every.join('b')}c`;
    expect(visible(hostile)).toBe(escapeForTerminal(hostile));
    expect(visible('plain → text ⚠')).toBe('plain → text ⚠');
    // .text(value) and .text(fn) set the escaped text; .text() reads as before.
    const text = d3.selection.prototype.text as (value?: unknown) => unknown;
    text.call(d3.selection.prototype, 'x\u202ey');
    text.call(d3.selection.prototype, function () { return 'p\u2066q'; });
    expect(set[0]).toBe('x\\u202ey');
    expect((set[1] as () => string).call(null)).toBe('p\\u2066q');
    expect(text.call(d3.selection.prototype)).toBe('got');
  });
});

describe('the Navigator layer', async () => {
  const report = await reportFor(FIXTURE_RULES);
  const layer = buildLayer(report);

  it('scores in-scope techniques by enabled rules and names the rules', () => {
    const t1611 = layer.techniques.find((t) => t.techniqueID === 'T1611')!;
    expect(t1611.score).toBe(3);
    expect(t1611.metadata).toEqual([
      { name: 'rule', value: 'Escape attempt (test/fixtures/rules/conventional.yaml:12)' },
      { name: 'rule', value: 'Escape under execution (test/fixtures/rules/tactic-mismatch.yaml:3)' },
      { name: 'rule', value: 'Tagged later (test/fixtures/rules/base.yaml:6)' },
    ]);
    expect(layer.techniques.find((t) => t.techniqueID === 'T1059')).toMatchObject({ score: 0, showSubtechniques: true });
  });
  it('holds no revoked, deprecated or out-of-scope ID', () => {
    const ids = layer.techniques.map((t) => t.techniqueID);
    for (const id of ['T1500', 'T1063', 'T1112', 'T1530']) expect(ids).not.toContain(id);
  });
  it('names the ATT&CK major version (when known), layer 4.5 and the scope platforms', () => {
    expect(layer.versions).toEqual({ navigator: '5.1.0', layer: '4.5' }); // the fixture's version is "mini"
    expect(buildLayer({ ...report, inputs: { ...report.inputs, attack: { ...report.inputs.attack, version: '18.1' } } }).versions.attack).toBe('18');
    expect(layer.filters.platforms).toEqual(['Containers', 'Linux']);
  });
  it('the schema rejects what the format forbids', () => {
    expect(validateLayer({ ...layer, versions: { ...layer.versions, layer: '4.4' } })).not.toEqual([]);
    expect(validateLayer({ ...layer, techniques: [{ techniqueID: 'X1' }] })).not.toEqual([]);
    expect(validateLayer({ ...layer, gradient: { colors: ['#fff'], minValue: 0, maxValue: 1 } })).not.toEqual([]);
    expect(validateLayer({ name: 'x', domain: 'enterprise-attack' })).not.toEqual([]);
  });
});

describe('untrusted text', () => {
  it('neutralizes spreadsheet formulas', () => {
    expect(['=1+1', '+x', '-x', '@SUM(1)', '\tx', 'plain'].map(neutralizeFormula)).toEqual(["'=1+1", "'+x", "'-x", "'@SUM(1)", "'\tx", 'plain']);
  });
  it('keeps HTML, links and table breaks out of Markdown', () => {
    expect(escapeMarkdown('<img src=x> [a](javascript:b) | `c`')).toBe('&lt;img src=x&gt; \\[a\\]\\(javascript:b\\) \\| \\`c\\`');
  });
  it('keeps math out of Markdown: GitHub renders $…$ and $$…$$ (QA: a rule name could show as red words)', () => {
    expect(escapeMarkdown('$\\color{red}{APPROVED}$ and $$x^2$$')).toBe('\\$\\\\color\\{red\\}\\{APPROVED\\}\\$ and \\$\\$x^2\\$\\$');
  });
});

describe('summary.md is bounded', async () => {
  const report = await reportFor(FIXTURE_RULES);
  it('stays short however many findings and gaps there are', () => {
    const finding = report.findings[0]!;
    const huge: CoverageReport = {
      ...report,
      findings: Array.from({ length: 20_000 }, (_, i) => ({ ...finding, rule: `rule ${i}`, code: `code-${i % 40}` })),
      gaps: Array.from({ length: 5_000 }, (_, i) => ({ id: `T${1000 + i}`, name: 'x'.repeat(400), tactics: ['impact'], isSubtechnique: false, usedBy: 1, priority: { ...report.gaps[0]!.priority, rank: i + 1, why: 'y'.repeat(400) } })),
    };
    expect(renderSummaryMarkdown(huge).length).toBeLessThan(60_000);
  });
});

describe('--format', () => {
  it('expands aliases and always keeps report.json', () => {
    expect(selectReporters(['csv']).map((r) => r.fileName)).toEqual(['report.json', 'coverage.csv', 'findings.csv', 'suggestions.csv']);
    // navigator: the coverage layer, the priority-gaps layer and one layer per --threat profile.
    expect(selectReporters(['html,navigator']).map((r) => r.fileName)).toEqual(['report.json', 'heatmap.html', 'layer.json', 'layer-priority-gaps.json', 'layer-<profile>.json']);
    expect(selectReporters(undefined)).toHaveLength(10);
    expect(() => selectReporters(['pdf'])).toThrow(/unknown format: pdf/);
  });
});

describe('the compiled layer validator', () => {
  it('is what ajv compiles from the schema today (regenerate: node scripts/build-layer-validator.mjs)', async () => {
    const { readFile } = await import('node:fs/promises');
    // @ts-expect-error: a plain .mjs script without types
    const { generate } = (await import('../../../scripts/build-layer-validator.mjs')) as { generate: () => string };
    expect(await readFile(path.join(repoRoot, 'src', 'report', 'layer-validator.generated.js'), 'utf8')).toBe(generate());
  });
});

describe('suggestions.csv', () => {
  it('is written only when the report carries suggestions (report --suggest)', () => {
    const reporter = selectReporters(['suggestions-csv']).find((r) => r.name === 'suggestions-csv')!;
    expect(reporter.renderFiles!({ suggestions: undefined } as never, { outDir: '/out' })).toEqual([]);
    expect(reporter.renderFiles!({ suggestions: { rules: [] } } as never, { outDir: '/out' }).map((f) => f.name)).toEqual(['suggestions.csv']);
  });
});
