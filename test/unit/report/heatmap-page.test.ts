// heatmap.html from hand-made assets: each placeholder gets its part (CSP hashes of exactly the inlined
// script and style, the escaped title, the page's data as a script-safe JSON block), and unsafe assets are refused.
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { cspHash } from '../../../src/report/html-safety.js';
import { heatmapData } from '../../../src/report/heatmap-data.js';
import { heatmapReporter, renderHeatmap } from '../../../src/report/heatmap.js';

const PAGE = 'scripts=%%SCRIPT_HASHES%%\nstyle=%%STYLE_HASH%%\ntitle=%%TITLE%%\ncss=%%STYLE%%\ndata=%%DATA%%\nd3=%%D3%%\napp=%%APP%%';
const assets = { heatmapPage: PAGE, heatmapStyle: 'body{color:red}', heatmapScript: 'draw()', d3: 'var d3={}' };
/** A report whose ATT&CK version and rule name carry markup that must stay text. */
const report = { inputs: { attack: { version: '18.1<b>' } }, techniques: [], rules: [{ name: '</script><!--\u2028x', file: 'r.yaml', line: 1 }], findings: [] } as unknown as CoverageReport;

describe('renderHeatmap', () => {
  // Rendered inside each test: Stryker runs a mutant only against the tests that execute it.
  const render = () => renderHeatmap(report, { outDir: '/out', assets }).split('\n');

  it('allows by hash exactly the inlined d3 and app scripts and the style', () => {
    const lines = render();
    expect(lines[0]).toBe(`scripts=${cspHash('var d3={}')} ${cspHash('draw()')}`);
    expect(lines[1]).toBe(`style=${cspHash('body{color:red}')}`);
    expect(lines[3]).toBe('css=body{color:red}');
    expect(lines[5]).toBe('d3=var d3={}');
    expect(lines[6]).toBe('app=draw()');
  });
  it('escapes the title and writes the report so that no text in it can end the script block', () => {
    const lines = render();
    expect(lines[2]).toBe('title=ATT&amp;CK 18.1&lt;b&gt; coverage — Falco rules');
    expect(lines[4]).toBe('data={"inputs":{"attack":{"version":"18.1\\u003cb\\u003e"}},"techniques":[],"rules":[{"name":"\\u003c/script\\u003e\\u003c!--\\u2028x","file":"r.yaml","line":1}],"findings":[]}');
    expect(JSON.parse(lines[4]!.slice('data='.length))).toEqual(JSON.parse(JSON.stringify(heatmapData(report))));
  });
  it('refuses a d3 or app script that would end its element', () => {
    expect(() => renderHeatmap(report, { outDir: '/', assets: { ...assets, d3: 'x="</script>"' } })).toThrow(/^d3 cannot be inlined/);
    expect(() => renderHeatmap(report, { outDir: '/', assets: { ...assets, heatmapScript: '<!-- x' } })).toThrow(/^templates\/heatmap\.js cannot be inlined/);
  });
  it('refuses a page template without the data placeholder, or with it twice', () => {
    const message = 'templates/heatmap.html must hold %%DATA%% once';
    expect(() => renderHeatmap(report, { outDir: '/', assets: { ...assets, heatmapPage: 'no data here' } })).toThrow(message);
    expect(() => renderHeatmap(report, { outDir: '/', assets: { ...assets, heatmapPage: '%%DATA%% and %%DATA%%' } })).toThrow(message);
    expect(renderHeatmap(report, { outDir: '/', assets: { ...assets, heatmapPage: '<%%DATA%%>' } })).toBe(`<${render()[4]!.slice('data='.length)}>`);
  });
  it('needs its assets', () => {
    expect(() => renderHeatmap(report, { outDir: '/' })).toThrow('the heatmap reporter needs its assets (templates/heatmap.*, d3)');
  });
  it('is the heatmap.html reporter', () => {
    expect(heatmapReporter).toMatchObject({ name: 'heatmap', fileName: 'heatmap.html', render: renderHeatmap });
  });
});
