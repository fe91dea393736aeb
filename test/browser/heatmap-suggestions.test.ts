// The heatmap of `report --suggest` in a real browser: the gaps that the suggested tags would cover are a
// state of their own (class, legend, details, accessible name), and nothing else breaks.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { generate, open, type Opened } from '../helpers/heatmap-page.js';
import { BUNDLE_18, embedded } from '../helpers/paths.js';

let browser: Browser;
let opened: Opened;
let wouldCover: { id: string; rules: string[] }[];
beforeAll(async () => {
  browser = await launchChromium();
  const { html, report } = await generate(['--attack', BUNDLE_18, '--rules', embedded('falco-plugins', 'k8s_audit_rules.yaml'), '--suggest']);
  wouldCover = report.suggestions!.wouldCover;
  opened = await open(browser, html);
}, 120_000);
afterAll(() => browser?.close());

describe('the heatmap with suggestions', () => {
  it('marks the techniques that accepted suggestions would cover, and only those', async () => {
    expect(wouldCover.length).toBeGreaterThan(0);
    const marked = await opened.page.locator('#matrix .cell.would-cover').evaluateAll((cells) => [...new Set(cells.map((c) => c.getAttribute('data-id')))].sort());
    expect(marked).toEqual(wouldCover.map((t) => t.id).filter((id) => !id.includes('.')).sort());
    await expect(opened.page.locator('#legend').innerText()).resolves.toContain('gap that suggested tags would cover if accepted');
    expect(opened.consoleErrors).toEqual([]);
  });

  it('names the rules in the details panel', async () => {
    const target = wouldCover.find((t) => t.rules.includes('Create Privileged Pod'))!;
    await opened.page.locator(`#matrix .cell[data-id="${target.id}"]`).first().click();
    const text = await opened.page.locator('#details').innerText();
    expect(text).toContain('Would be covered if the suggested tags were accepted');
    expect(text).toContain('Create Privileged Pod');
  });
});
