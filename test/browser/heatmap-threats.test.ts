// heatmap.html (issue 9) in chromium: the platform filter counts only rules that observe the platform and
// recounts the header and tactics, the threat-profile selector outlines a profile, the gap panel explains.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { BUNDLE_18, OFFICIAL_RULES } from '../helpers/paths.js';

let browser: Browser;
let page: Page;
let report: CoverageReport;
const errors: string[] = [];

beforeAll(async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-html-'));
  const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', ...OFFICIAL_RULES, '--threat', 'TeamTNT', '--out', out, '--format', 'html', '-q']);
  expect(result.code, result.stderr).toBe(0);
  report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(path.join(out, 'heatmap.html')).href);
  await page.waitForSelector('section.tactic');
});
afterAll(() => browser?.close());

const overall = () => page.locator('#header .overall').innerText();

describe('platform filter', () => {
  it('shows no coverage on IaaS from syscall rules, and recounts the header and the tactics', async () => {
    await page.check('#filter-out-of-scope');
    await page.selectOption('#filter-platform', 'IaaS');
    expect(await page.locator('.cell.top').count()).toBeGreaterThan(10);
    expect(await page.locator('.cell.top.status-covered, .cell.top.status-partial').count()).toBe(0);
    expect(await overall()).toMatch(/^0\.0% of \d+ in-scope techniques .* on IaaS/);
    const labels = await page.locator('h2 .pct').allInnerTexts();
    expect(labels.every((l) => /nothing in scope|· 0\.0% \(0\/\d+\)/.test(l))).toBe(true);
    await page.uncheck('#filter-out-of-scope');
  });

  it('matches report.json per platform, and the whole scope without a filter', async () => {
    const linux = report.summary.platforms.find((p) => p.platform === 'Linux')!;
    await page.selectOption('#filter-platform', 'Linux');
    expect(await overall()).toMatch(new RegExp(`^${linux.percent.toFixed(1)}% of ${linux.total} in-scope techniques covered or partly covered \\(${linux.covered} covered, ${linux.partial} partly`));
    await page.selectOption('#filter-platform', '');
    const s = report.summary.techniques;
    expect(await overall()).toMatch(new RegExp(`^${s.percent.toFixed(1)}% of ${s.total} in-scope techniques covered or partly covered \\(${s.covered} covered`));
    const execution = report.tactics.find((t) => t.shortname === 'execution')!;
    await expect(page.locator('section[data-tactic="execution"] h2 .pct').innerText()).resolves.toBe(`${execution.id} · ${execution.percent}% (${execution.covered + execution.partial}/${execution.total})`);
  });
});

describe('threat profile selector', () => {
  it('outlines the profile\'s techniques', async () => {
    await page.selectOption('#filter-profile', 'G0139');
    const outlined = await page.locator('.cell.in-profile').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-id')!));
    const profile = report.threats[0]!;
    const ids = new Set([...profile.direct, ...profile.viaSoftware].flatMap((t) => [t.id, t.id.split('.')[0]!]));
    expect(outlined.length).toBeGreaterThan(10);
    expect(outlined.every((id) => ids.has(id))).toBe(true);
    expect(outlined).toContain('T1611'); // Escape to Host, used by TeamTNT
    const topLevel = new Set(report.techniques.filter((t) => t.inScope && !t.isSubtechnique && ids.has(t.id)).map((t) => t.id));
    expect(await overall()).toMatch(new RegExp(`% of ${topLevel.size} in-scope techniques .* on profile TeamTNT;`));
    await page.selectOption('#filter-profile', '');
    expect(await page.locator('.cell.in-profile').count()).toBe(0);
  });
});

describe('gap panel', () => {
  it('shows priority and why, the profiles using it, detectability with the analytic text, and the draft command', async () => {
    // dispatched: the details panel of an earlier hover may lie over the last column
    await page.locator('section[data-tactic="impact"] [data-id="T1529"]').dispatchEvent('click');
    const text = await page.locator('#details').innerText();
    const gap = report.gaps.find((g) => g.id === 'T1529')!;
    expect(text).toContain(`Gap priority #${gap.priority.rank}`);
    expect(text).toContain(gap.priority.why);
    expect(text).toMatch(/closable with the loaded source syscall \(AN1539\)/);
    expect(text).toContain('execve=/sbin/shutdown or /sbin/reboot');
    expect(text).toContain('attack-cov draft T1529');
    await page.locator('section[data-tactic="privilege-escalation"] [data-id="T1611"]').dispatchEvent('click');
    expect(await page.locator('#details').innerText()).toContain('TeamTNT (G0139)');
  });

  it('logs no error', () => {
    expect(errors).toEqual([]);
  });
});
