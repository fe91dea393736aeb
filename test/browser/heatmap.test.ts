// heatmap.html in a real browser (Debian's chromium via playwright-core), opened from disk as a user would.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { ARTIFACTS, generate, open as openIn, type Opened } from '../helpers/heatmap-page.js';
import { BUNDLE_18, OFFICIAL_RULES } from '../helpers/paths.js';

const OFFICIAL = OFFICIAL_RULES;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const open = (file: string): Promise<Opened> => openIn(browser, file);

const visibleIds = (page: Page) => page.locator('#matrix .cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-id')));

describe('the heatmap of the official rules on ATT&CK 18.1', () => {
  let opened: Opened;
  let report: CoverageReport;
  let file: string;
  beforeAll(async () => {
    ({ html: file, report } = await generate(['--attack', BUNDLE_18, '--rules', ...OFFICIAL]));
    opened = await open(file);
  });

  it('shows every tactic of the matrix as a column, in order', async () => {
    const tactics = await opened.page.locator('section.tactic').evaluateAll((s) => s.map((e) => e.getAttribute('data-tactic')));
    expect(tactics).toEqual(report.tactics.map((t) => t.shortname));
    expect(tactics).toHaveLength(14);
  });

  it('has one cell per in-scope technique under each of its tactics', async () => {
    const expected = report.tactics.reduce((n, tactic) => n + report.techniques.filter((t) => t.inScope && !t.isSubtechnique && t.tactics.includes(tactic.shortname)).length, 0);
    expect(await opened.page.locator('.cell.top').count()).toBe(expected);
  });

  it('marks T1529 as a gap and the rules with tag errors', async () => {
    await expect(opened.page.locator('[data-id="T1529"]').getAttribute('class')).resolves.toMatch(/status-gap/);
    await expect(opened.page.locator('section[data-tactic="initial-access"] [data-id="T1190"]').getAttribute('class')).resolves.toMatch(/has-findings/);
  });

  it('shows a rule with file:line, and the findings, in the tooltip', async () => {
    await opened.page.hover('section[data-tactic="privilege-escalation"] [data-id="T1611"]');
    const details = opened.page.locator('#details');
    await expect(details.isVisible()).resolves.toBe(true);
    const text = await details.innerText();
    expect(text).toContain('Detect release_agent File Container Escapes');
    expect(text).toMatch(/falco_rules\.yaml:\d+/);
    expect(text).toContain('tactic-mismatch');
    await mkdir(ARTIFACTS, { recursive: true });
    await opened.page.screenshot({ path: path.join(ARTIFACTS, 'heatmap.png') });
  });

  it('expands sub-techniques under their parent', async () => {
    await opened.page.click('section[data-tactic="execution"] [data-group="T1059"] > .toggle');
    expect(await opened.page.locator('section[data-tactic="execution"] .subs [data-id="T1059.004"]').count()).toBe(1);
  });

  it('filters to gaps only, by maturity, by platform, and searches by ID', async () => {
    const { page } = opened;
    await page.check('#filter-gaps');
    expect(await page.locator('.cell.top.status-covered').count()).toBe(0);
    expect(await page.locator('.cell.top.status-gap').count()).toBeGreaterThan(50);
    await page.uncheck('#filter-gaps');

    await page.uncheck('#filter-maturity input[value="sandbox"]');
    await page.uncheck('#filter-maturity input[value="incubating"]');
    const stableOnly = report.rules.filter((r) => r.maturity === 'stable' && r.isEnabled && r.techniques.includes('T1611')).length;
    await expect(page.locator('section[data-tactic="privilege-escalation"] [data-id="T1611"] .count').innerText()).resolves.toBe(String(stableOnly));
    await page.check('#filter-maturity input[value="sandbox"]');
    await page.check('#filter-maturity input[value="incubating"]');

    await page.selectOption('#filter-platform', 'Containers');
    const containerOnly = await visibleIds(page);
    expect(containerOnly.length).toBeGreaterThan(5);
    for (const id of containerOnly) expect(report.techniques.find((t) => t.id === id)?.platforms).toContain('Containers');
    await page.selectOption('#filter-platform', '');

    await page.fill('#search', 'T1529');
    expect([...new Set(await visibleIds(page))]).toEqual(['T1529']);
    await page.fill('#search', 'shutdown');
    expect([...new Set(await visibleIds(page))]).toEqual(['T1529']);
    await page.fill('#search', '');
  });

  it('dims or hides out-of-scope techniques by a toggle', async () => {
    const { page } = opened;
    expect(await page.locator('.cell.out-of-scope').count()).toBe(0);
    await page.check('#filter-out-of-scope');
    const outOfScope = report.tactics.reduce((n, tactic) => n + report.techniques.filter((t) => !t.inScope && !t.isSubtechnique && t.tactics.includes(tactic.shortname)).length, 0);
    expect(outOfScope).toBeGreaterThan(0);
    expect(await page.locator('.cell.top.out-of-scope').count()).toBe(outOfScope);
    await page.uncheck('#filter-out-of-scope');
  });

  it('logs no error and makes no request beyond the file itself', () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([pathToFileURL(file).href]);
  });
});

describe('rules Falco drops', () => {
  let opened: Opened;
  beforeAll(async () => {
    const { html } = await generate(['--attack', BUNDLE_18, '--rules', 'test/fixtures/rules/skip-unknown.yaml', 'test/fixtures/rules/plugin-name-source.yaml']);
    opened = await open(html);
  });
  afterAll(() => opened?.page.close());

  it('lists them under the rules not counted, with why Falco drops each', async () => {
    await opened.page.click('[data-id="T1529"]');
    const t1529 = await opened.page.locator('#details').innerText();
    expect(t1529).toContain('Needs a newer Falco (enabled, but dropped by Falco: condition 1:23: unknown field proc.other_future (skip-if-unknown-filter: true))');
    await opened.page.click('[data-id="T1610"]');
    const t1610 = await opened.page.locator('#details').innerText();
    expect(t1610).toContain("Exec into a pod (plugin name as source) (enabled, but dropped by Falco: source k8saudit-eks is the name of a plugin, not an event source (its events' source is k8s_audit))");
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe('a hostile ruleset', () => {
  let opened: Opened;
  beforeAll(async () => {
    const { html } = await generate(['--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', 'test/fixtures/rules/hostile.yaml']);
    opened = await open(html);
    for (const id of ['T1059.004', 'T1529', 'T1611', 'T1059']) {
      const cell = opened.page.locator(`[data-id="${id}"]`).first();
      if ((await cell.count()) > 0) await cell.hover();
    }
    await opened.page.click('[data-id="T1529"]');
  });

  it('runs no script of theirs and opens no dialog', async () => {
    expect(await opened.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(opened.dialogs).toEqual([]);
    expect(await opened.page.locator('img, b, script:not([type]), a[href^="javascript"]').evaluateAll((els) => els.filter((e) => e.textContent?.includes('pwned')).length)).toBe(0);
  });

  it('shows their text as text', async () => {
    const details = await opened.page.locator('#details').innerText();
    expect(details).toContain('<img src=x onerror="window.__pwned=4">');
    expect(await opened.page.locator('a[href^="javascript"]').count()).toBe(0);
  });

  it('logs no error and makes no request', () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toHaveLength(1);
  });
});

describe('a heatmap made against a baseline', () => {
  it('marks the technique that lost its rule and shows the failed gate', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-html-'));
    const baseline = await runCli(['report', '--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', 'test/fixtures/rules/conventional.yaml', '--out', path.join(dir, 'before'), '-q', '--format', 'json']);
    expect(baseline.code).toBe(0);
    const current = await runCli([
      'report', '--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', 'test/fixtures/rules/tactic-mismatch.yaml',
      '--out', path.join(dir, 'after'), '-q', '--format', 'html', '--baseline', path.join(dir, 'before', 'report.json'), '--fail-on', 'new',
    ]);
    expect(current.code).toBe(1);
    const opened = await open(path.join(dir, 'after', 'heatmap.html'));
    expect(await opened.page.locator('[data-id="T1529"]').count()).toBe(1);
    expect(await opened.page.locator('.cell.newly-uncovered').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-id')))).toEqual(['T1059']);
    expect(await opened.page.locator('header .gate.fail').innerText()).toMatch(/GATE FAILED --fail-on: .*T1059/);
    expect(opened.consoleErrors).toEqual([]);
  });

  // A rule retagged from T1059 to T1059.004 leaves T1059 partial: a loss the cell, its sentence and the details name.
  it('marks a technique that went from covered to partial', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-html-'));
    const rule = (tag: string) => `- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_execution, ${tag}]\n`;
    await writeFile(path.join(dir, 'before.yaml'), rule('T1059'));
    await writeFile(path.join(dir, 'after.yaml'), rule('T1059.004'));
    expect((await runCli(['report', '--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', path.join(dir, 'before.yaml'), '--out', path.join(dir, 'before'), '-q', '--format', 'json'])).code).toBe(0);
    const current = await runCli(['report', '--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', path.join(dir, 'after.yaml'), '--out', path.join(dir, 'after'), '-q', '--format', 'html', '--baseline', path.join(dir, 'before', 'report.json')]);
    expect(current.code, current.stderr).toBe(0);
    const opened = await open(path.join(dir, 'after', 'heatmap.html'));
    const cell = opened.page.locator('#matrix .cell[data-id="T1059"]').first();
    await expect(cell.locator('.change').getAttribute('title')).resolves.toBe('covered → partial since the baseline');
    await expect(cell.locator('.change').textContent()).resolves.toBe('▼');
    await expect(cell.textContent()).resolves.toMatch(/covered → partial since the baseline/);
    await cell.click();
    await expect(opened.page.locator('#details').textContent()).resolves.toMatch(/covered → partial since the baseline \(was: Shell\)/);
    expect(await opened.page.locator('header .changes').innerText()).toMatch(/1 between covered and partial/);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe('the heatmap with report --emulate', () => {
  let opened: Opened;
  beforeAll(async () => {
    const { html } = await generate(['--attack', BUNDLE_18, '--rules', ...OFFICIAL, '--emulate']);
    opened = await open(html);
  }, 120_000);
  afterAll(() => opened?.page.close());

  it('marks techniques by evidence, lists the emulated procedures and the rules they trigger, and the toggle hides the marks', async () => {
    const { page } = opened;
    const t1070 = page.locator('#matrix .cell[data-id="T1070"]').first();
    await expect(t1070.locator('.evidence').textContent()).resolves.toBe('◆');
    await expect(t1070.textContent()).resolves.toMatch(/emulated: tagged, and a tagging rule fires on its emulated procedures/);
    await expect(page.locator('#legend').textContent()).resolves.toMatch(/◆ emulated: tagged, and a tagging rule fires/);
    await t1070.click();
    const details = (await page.locator('#details').textContent()) ?? '';
    expect(details).toMatch(/Emulated: tagged and demonstrated/);
    expect(details).toMatch(/a934276e Clear Bash history \(rm\): .*Delete or rename shell history/);
    expect(details).toMatch(/← unlinkat by rm \/root\/\.bash_history/);
    await page.locator('#toggle-emulation').uncheck();
    expect(await page.locator('#matrix .evidence').count()).toBe(0);
    expect(opened.consoleErrors).toEqual([]);
  });
});
