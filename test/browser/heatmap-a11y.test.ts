// The heatmap for people who use it every day: axe-core in light and dark mode, the keyboard (how many key
// presses to T1529), the docked details panel, markers that keep clear of the text, words that do not break.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { launchChromium } from '../helpers/browser.js';
import { ARTIFACTS, generate, open, runAxe, type Opened } from '../helpers/heatmap-page.js';
import { BUNDLE_18, OFFICIAL_RULES } from '../helpers/paths.js';

let browser: Browser;
let file: string;
let report: CoverageReport;
beforeAll(async () => {
  browser = await launchChromium();
  ({ html: file, report } = await generate(['--attack', BUNDLE_18, '--rules', ...OFFICIAL_RULES]));
  await mkdir(ARTIFACTS, { recursive: true });
});
afterAll(() => browser?.close());

/** Presses keys one by one and counts them. */
async function press(page: Page, keys: string[]): Promise<number> {
  for (const key of keys) await page.keyboard.press(key);
  return keys.length;
}
const focusedId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id ?? document.activeElement?.id);
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;
const intersects = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe.each(['light', 'dark'] as const)('axe-core in %s mode', (scheme) => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open(browser, file, scheme);
  });
  afterAll(() => opened.page.close());

  it('finds no serious or critical violation, with the details panel open and sub-techniques shown', async () => {
    const { page } = opened;
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
    await page.click('section[data-tactic="execution"] [data-group="T1059"] > .toggle');
    await page.click('section[data-tactic="privilege-escalation"] [data-id="T1611"]');
    await page.check('#filter-out-of-scope');
    const violations = await runAxe(page);
    const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.uncheck('#filter-out-of-scope');
    await page.screenshot({ path: path.join(ARTIFACTS, `heatmap-${scheme}.png`) });
  });
});

describe('the heatmap from the keyboard', () => {
  let opened: Opened;
  beforeEach(async () => {
    opened = await open(browser, file);
  });
  afterEach(() => opened.page.close());

  it('reaches T1529 in 8 key presses through the skip link and the search box', async () => {
    const { page } = opened;
    let presses = await press(page, ['Tab']);
    expect(await focusedId(page)).toBe('skip-link');
    presses += await press(page, ['Tab']);
    expect(await focusedId(page)).toBe('search');
    presses += await press(page, ['T', '1', '5', '2', '9', 'Enter']);
    expect(await focusedId(page)).toBe('T1529');
    expect(presses).toBe(8);
    await press(page, ['Enter']);
    await expect(page.locator('#details h3').innerText()).resolves.toBe('T1529 System Shutdown/Reboot');
  });

  it('reaches T1529 in 7 key presses by typing its ID in the matrix (type-ahead), the filters untouched', async () => {
    const { page } = opened;
    const presses = await press(page, ['Tab', 'Enter', 'T', '1', '5', '2', '9']);
    expect(await focusedId(page)).toBe('T1529');
    expect(presses).toBe(7);
    expect(await page.locator('.cell.top').count()).toBeGreaterThan(150);
  });

  it('moves with the arrow keys, keeping one tab stop in the matrix', async () => {
    const { page } = opened;
    await press(page, ['Tab', 'Enter']);
    // Columns without a cell (Reconnaissance has nothing in scope) are skipped.
    const columns = await page.locator('section.tactic').evaluateAll((s) => s.map((e) => [...e.querySelectorAll('.cell')].map((c) => (c as HTMLElement).dataset.id)).filter((c) => c.length > 0));
    const [firstColumn, second] = columns as [string[], string[]];
    expect(await focusedId(page)).toBe(firstColumn[0]);
    await press(page, ['ArrowDown', 'ArrowDown']);
    expect(await focusedId(page)).toBe(firstColumn[2]);
    await press(page, ['ArrowRight']);
    expect(await focusedId(page)).toBe(second[2]);
    await press(page, ['Home']);
    expect(await focusedId(page)).toBe(second[0]);
    expect(await page.locator('#matrix [tabindex="0"]').count()).toBe(1);
    await press(page, ['Tab']);
    expect(await page.evaluate(() => document.activeElement?.closest('#matrix'))).toBeNull();
  });

  it('shows sub-techniques with + and hides them with -', async () => {
    const { page } = opened;
    await page.fill('#search', 'T1059');
    await press(page, ['Enter', '+']);
    expect(await page.locator('section[data-tactic="execution"] .subs [data-id="T1059.004"]').count()).toBe(1);
    await press(page, ['ArrowDown']);
    expect(await focusedId(page)).toMatch(/^T1059\.\d{3}$/);
    await press(page, ['-']);
    expect(await page.locator('section[data-tactic="execution"] .subs .cell').count()).toBe(0);
    expect(await focusedId(page)).toBe('T1059');
  });

  it('names every cell with its coverage, rule count and findings', async () => {
    const { page } = opened;
    const t1611 = report.techniques.find((t) => t.id === 'T1611')!;
    const findings = report.findings.filter((f) => f.technique === 'T1611').length;
    const name = new RegExp(`^T1611 Escape to Host ?: covered by ${t1611.rules.length} enabled rules; ${findings} finding${findings === 1 ? '' : 's'}\\.$`);
    await expect(page.getByRole('button', { name }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /^T1529 System Shutdown\/Reboot ?: gap, no enabled rule; 0 findings\.$/ }).count()).resolves.toBe(1);
  });
});

describe('the details panel', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open(browser, file);
  });
  afterAll(() => opened.page.close());

  it('is docked below the matrix, covers no control, previews on hover, pins on click, closes on Escape', async () => {
    const { page } = opened;
    await page.hover('[data-id="T1611"]');
    await expect(page.locator('#details h3').innerText()).resolves.toMatch(/^T1611/);
    await page.click('[data-id="T1529"]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'heatmap-details.png') });
    for (const control of ['#controls', '#search', '#matrix']) expect(intersects(await box(page, '#details'), await box(page, control)), control).toBe(false);
    await page.hover('[data-id="T1611"]');
    await expect(page.locator('#details h3').innerText()).resolves.toMatch(/^T1611/);
    await page.hover('#header');
    await expect(page.locator('#details h3').innerText()).resolves.toMatch(/^T1529/);
    await page.keyboard.press('Escape');
    expect(await page.locator('#details').isVisible()).toBe(false);
    expect(await page.locator('.cell.pinned').count()).toBe(0);
  });

  it('docks at the side and resizes from the keyboard', async () => {
    const { page } = opened;
    await page.click('[data-id="T1529"]');
    await page.selectOption('#dock', 'side');
    const before = await box(page, '#details');
    expect(intersects(before, await box(page, '#matrix'))).toBe(false);
    expect(intersects(before, await box(page, '#controls'))).toBe(false);
    await page.focus('#splitter');
    await press(page, ['ArrowLeft', 'ArrowLeft']);
    expect((await box(page, '#details')).width).toBe(before.width + 48);
    await page.selectOption('#dock', 'bottom');
  });
});

describe('the cells', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open(browser, file);
    await opened.page.check('#filter-out-of-scope');
  });
  afterAll(() => opened.page.close());

  it('never break a word across lines (a break after a hyphen or a slash is between words)', async () => {
    const broken = await opened.page.locator('#matrix .cell .name').evaluateAll((names) =>
      names.flatMap((name) => {
        const text = name.textContent ?? '';
        const range = document.createRange();
        const words: string[] = [];
        for (const match of text.matchAll(/[^\s/-]+/g)) {
          // Offsets over the name's text nodes (a <wbr> splits them).
          let offset = match.index!;
          let node: Node | null = null;
          const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
          while ((node = walker.nextNode()) && offset >= (node.textContent ?? '').length) offset -= (node.textContent ?? '').length;
          range.setStart(node!, offset);
          range.setEnd(node!, offset + match[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) words.push(match[0]);
        }
        return words;
      }),
    );
    expect(broken).toEqual([]);
  });

  it('keep the findings marker and the rule count clear of the ID and the name', async () => {
    const overlaps = await opened.page.locator('#matrix .cell.has-findings').evaluateAll((cells) =>
      cells.flatMap((cell) => {
        const parts = ['.id', '.count', '.name', '.marker'].flatMap((s) => [...cell.querySelectorAll(s)].map((e) => [s, e.getBoundingClientRect()] as const));
        const hits: string[] = [];
        for (const [i, [a, ra]] of parts.entries()) {
          for (const [b, rb] of parts.slice(i + 1)) {
            if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom) hits.push(`${(cell as HTMLElement).dataset.id} ${a}/${b}`);
          }
        }
        return hits;
      }),
    );
    expect(await opened.page.locator('#matrix .cell.has-findings').count()).toBeGreaterThan(5);
    expect(overlaps).toEqual([]);
  });

  it('recompute the tactic headers and the totals under the maturity filter', async () => {
    const { page } = opened;
    await page.uncheck('#filter-out-of-scope');
    await page.uncheck('#filter-maturity input[value="sandbox"]');
    await page.uncheck('#filter-maturity input[value="incubating"]');
    const stable = new Set(report.rules.filter((r) => r.isEnabled && r.maturity === 'stable').map((r) => r.name));
    const isCovered = (id: string) => report.techniques.find((t) => t.id === id)!.rules.some((r) => stable.has(r));
    expect(report.tactics.length).toBeGreaterThan(10);
    for (const tactic of report.tactics) {
      const counted = report.techniques.filter((t) => t.inScope && !t.isSubtechnique && t.tactics.includes(tactic.shortname));
      const covered = counted.filter((t) => isCovered(t.id) || t.coveredSubtechniques.some(isCovered)).length;
      const expected = counted.length === 0 ? 'nothing in scope' : `${(Math.round((covered / counted.length) * 1000) / 10).toFixed(1)}% (${covered}/${counted.length})`;
      await expect(page.locator(`section[data-tactic="${tactic.shortname}"] h2 .pct`).innerText()).resolves.toBe(`${tactic.id} · ${expected}`);
    }
    await expect(page.locator('#filter-status').innerText()).resolves.toMatch(/Under these filters: [\d.]+% covered/);
    expect(await page.locator('#filter-status').innerText()).not.toContain(`${report.summary.techniques.percent}%`);
  });
});

describe('suppressed findings in the heatmap', () => {
  it('carry their own marker and reason, apart from the counted findings, and pass axe-core', async () => {
    // test/fixtures/rules/suppressed.yaml: T1611's tactic-mismatch is suppressed inline, the rule's unjustified-tactic is not.
    const { html } = await generate(['--no-config', '--attack', 'test/fixtures/attack/mini-bundle-2.0.json', '--rules', 'test/fixtures/rules/suppressed.yaml']);
    const opened = await open(browser, html);
    const { page } = opened;
    const cell = page.locator('[data-id="T1611"]');
    await expect(cell.locator('.marker.suppressed').innerText()).resolves.toBe('⊘1');
    expect(await cell.locator('.marker.findings').count()).toBe(0);
    await expect(page.getByRole('button', { name: /^T1611 Escape to Host ?: covered by 1 enabled rule; 0 findings, 1 suppressed\.$/ }).count()).resolves.toBe(1);
    await cell.click();
    const details = await page.locator('#details').innerText();
    expect(details).toContain('Suppressed findings (not counted)');
    expect(details).toContain('the escape is run by the execution stage here [in the rules file]');
    await expect(page.locator('#header .counts').innerText()).resolves.toContain('2 suppressed');
    const grave = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => v.id)).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    await page.close();
  });
});
