// The heatmap's golden file pins what the page is made of and what it builds, not a copy of its templates:
// the templates by checksum, the CSP, the embedded data block, and the DOM Chromium builds from it (on load,
// and with T1059 pinned and opened). Regenerate on purpose: npx vitest run test/browser/heatmap-golden.test.ts --update
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets } from '../../src/report/assets.js';
import { heatmapData } from '../../src/report/heatmap-data.js';
import { renderHeatmap } from '../../src/report/heatmap.js';
import { cspHash, jsonForScript } from '../../src/report/html-safety.js';
import { launchChromium } from '../helpers/browser.js';
import { cspViolations, open, type Opened } from '../helpers/heatmap-page.js';
import { reportFor } from '../helpers/load.js';
import { fixture, repoRoot } from '../helpers/paths.js';

/** The fixture report of the reporter goldens (test/unit/report/reporters.test.ts). */
const FIXTURE_RULES = ['conventional.yaml', 'base.yaml', 'override.yaml', 'tactic-mismatch.yaml', 'unknown-ids.yaml'].map((f) => fixture('rules', f));
const TEMPLATES = ['heatmap.html', 'heatmap.css', 'heatmap-text.js', 'heatmap-nav.js', 'heatmap-details.js', 'heatmap-threats.js', 'heatmap.js'];

/** The element tree under `selector`, one node a line, indented; scripts by what they are, not their text. */
function serializeDom(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((root) => {
    const lines: string[] = [];
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const walk = (node: Node, depth: number): void => {
      const indent = '  '.repeat(depth);
      if (node.nodeType === Node.TEXT_NODE) {
        const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (text) lines.push(`${indent}${escape(text)}`);
        return;
      }
      if (!(node instanceof Element)) return;
      const tag = node.tagName.toLowerCase();
      const attributes = [...node.attributes].map((a) => ` ${a.name}="${escape(a.value).replace(/"/g, '&quot;')}"`).join('');
      if (tag === 'script') return void lines.push(`${indent}<script${attributes}>[${node.id === 'report-data' ? 'the data block above' : `inline script, ${node.textContent?.length} characters`}]</script>`);
      lines.push(`${indent}<${tag}${attributes}>`);
      for (const child of node.childNodes) walk(child, depth + 1);
    };
    walk(root, 0);
    return lines.join('\n');
  });
}

describe('heatmap.html of the fixture report, in Chromium', () => {
  let browser: Browser;
  let opened: Opened;
  let html: string;
  let report: Awaited<ReturnType<typeof reportFor>>;
  beforeAll(async () => {
    browser = await launchChromium();
    report = await reportFor(FIXTURE_RULES);
    html = renderHeatmap(report, { outDir: '/out', assets: loadReportAssets() });
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-golden-')), 'heatmap.html');
    await writeFile(file, html);
    opened = await open(browser, file, 'light', { width: 1280, height: 900 }, { bypassCSP: false });
  }, 120_000);
  afterAll(() => browser?.close());

  it('inlines the report as an escaped data block and allows only its own scripts and style', () => {
    const assets = loadReportAssets();
    expect(html).toContain(`<script type="application/json" id="report-data">${jsonForScript(heatmapData(report))}</script>`);
    expect(html).toContain(`script-src ${cspHash(assets.d3)} ${cspHash(assets.heatmapScript)}; style-src ${cspHash(assets.heatmapStyle)};`);
  });

  it('builds the page the golden file pins (templates by checksum, CSP, data block, DOM on load and with T1059 opened)', async () => {
    const { page } = opened;
    const checksums = await Promise.all(TEMPLATES.map(async (name) => `${name} sha256:${createHash('sha256').update(await readFile(path.join(repoRoot, 'templates', name))).digest('hex')}`));
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const data = JSON.stringify(JSON.parse(await page.locator('#report-data').evaluate((e) => e.textContent ?? '')), null, 2);
    const onLoad = await serializeDom(page, 'body');
    await page.click('section[data-tactic="execution"] [data-group="T1059"] > .toggle');
    await page.click('section[data-tactic="execution"] .cell[data-id="T1059"]');
    const opened1059 = await serializeDom(page, '#workspace');
    expect(await cspViolations(page)).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    const golden = [
      '# heatmap.html of the fixture report: templates by checksum, its CSP, its data block, and the DOM Chromium builds.',
      '# Regenerate on purpose (npx vitest run test/browser/heatmap-golden.test.ts --update) and review the diff.',
      '== templates ==', ...checksums,
      '== Content-Security-Policy ==', csp,
      '== data block (parsed, indented) ==', data,
      '== body on load ==', onLoad,
      '== #workspace with T1059 pinned and its sub-techniques shown ==', opened1059,
      '',
    ].join('\n');
    await expect(golden).toMatchFileSnapshot(path.join(repoRoot, 'test', 'golden', 'heatmap-mini.txt'));
  });
});
