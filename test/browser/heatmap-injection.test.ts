// Markup injection into heatmap.html, detected by the test itself: the page is opened with its CSP relaxed
// (bypassCSP: an escaping bug runs its payload, which sets window.__pwned) and enforced (what users get:
// an injected element still shows in the DOM, a blocked attempt as a CSP violation). Payloads come from
// the rules (test/fixtures/rules/injection.yaml), the rules file's name and the ATT&CK bundle (issue 14).
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { cspViolations, foreignElements, generate, open, type Opened } from '../helpers/heatmap-page.js';
import { MINI_BUNDLE, fixture } from '../helpers/paths.js';

/** The rules file's own name carries markup (a file name may hold <, >, " and =, only no slash). */
const FILE_NAME = `<img src=x data-pwned onerror="window.__pwned='file-name'">.yaml`;
const TACTIC_NAME = `Execution <svg data-pwned onload="window.__pwned='tactic'"></svg>`;
const TECHNIQUE_NAME = `Unix Shell </script><img src=x data-pwned onerror="window.__pwned='technique'">`;

/** mini-bundle-2.0 with markup in a tactic's and a technique's name, and a javascript: URL as T1529's page. */
async function hostileBundle(dir: string): Promise<string> {
  const bundle = JSON.parse(await readFile(MINI_BUNDLE, 'utf8')) as { objects: { type: string; name?: string; x_mitre_shortname?: string; external_references?: { external_id?: string; url?: string }[] }[] };
  const withId = (id: string) => bundle.objects.find((o) => o.external_references?.some((r) => r.external_id === id))!;
  bundle.objects.find((o) => o.x_mitre_shortname === 'execution')!.name = TACTIC_NAME;
  withId('T1059.004').name = TECHNIQUE_NAME;
  for (const ref of withId('T1529').external_references!) if (ref.url) ref.url = "javascript:window.__pwned='url'";
  const file = path.join(dir, 'hostile-bundle.json');
  await writeFile(file, JSON.stringify(bundle));
  return file;
}

let browser: Browser;
let html: string;
let ruleNames: string[];
beforeAll(async () => {
  browser = await launchChromium();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-inject-'));
  await copyFile(fixture('rules', 'injection.yaml'), path.join(dir, FILE_NAME));
  ({ html } = await generate(['--attack', await hostileBundle(dir), '--rules', path.join(dir, FILE_NAME)]));
  ruleNames = [...(await readFile(fixture('rules', 'injection.yaml'), 'utf8')).matchAll(/^- rule: (".*")$/gm)].map((m) => JSON.parse(m[1]!) as string);
}, 120_000);
afterAll(() => browser?.close());

/** Opens every sub-technique list and pins every cell's details in turn; returns all the text the details showed. */
async function visitEveryCell(opened: Opened): Promise<string> {
  const { page } = opened;
  for (const toggle of await page.locator('#matrix [data-group] > .toggle').all()) await toggle.click();
  let shown = '';
  for (const cell of await page.locator('#matrix .cell').all()) {
    await cell.hover();
    await cell.click();
    shown += `${await page.locator('#details').innerText()}\n`;
  }
  return shown;
}

for (const mode of [{ name: 'relaxed (bypassCSP)', bypassCSP: true }, { name: 'enforced', bypassCSP: false }]) {
  describe(`hostile text in heatmap.html, CSP ${mode.name}`, () => {
    let opened: Opened;
    let shown: string;
    beforeAll(async () => {
      opened = await open(browser, html, 'light', { width: 1280, height: 900 }, { bypassCSP: mode.bypassCSP });
      shown = await visitEveryCell(opened);
    }, 120_000);
    afterAll(() => opened?.page.close());

    it('runs no payload, opens no dialog, and the DOM holds no element or link a payload made', async () => {
      const { page } = opened;
      expect(await page.locator('#matrix .cell[data-id="T1059.004"]').count()).toBe(1); // the sub-techniques were opened too
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(opened.dialogs).toEqual([]);
      expect(await page.locator('[data-pwned], img, svg, iframe, object, embed').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(3); // the data block, d3, the app
      expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
      expect(await foreignElements(page)).toEqual([]);
    });

    it('shows every hostile text as text: rule names, the file name, the tactic and technique names; the data block holds the names intact and no tag', async () => {
      expect(ruleNames).toHaveLength(5);
      // The right-to-left override shows as its escape (QA: it reversed the file:line written after the name).
      for (const name of ruleNames) expect(shown).toContain(name.replace('\u202e', '\\u202e'));
      expect(shown).toContain('+cmd @foo \\u202egnp.exe');
      expect(shown).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      const data = JSON.parse(await opened.page.locator('#report-data').evaluate((e) => e.textContent ?? '')) as { rules: { name: string }[] };
      expect(data.rules.map((r) => r.name).sort()).toEqual([...ruleNames].sort());
      // The page shows no tag, so its data carries none (report.json has them): nothing of the tags' payloads reaches it.
      for (const payload of ['svg-tag', 'js-tag', 'attr-tag']) expect(html).not.toContain(payload);
      expect(shown).toContain(TECHNIQUE_NAME);
      expect(await opened.page.locator('#header').innerText()).toContain(FILE_NAME);
      expect(await opened.page.locator('section[data-tactic="execution"] .tactic-name').innerText()).toBe(TACTIC_NAME);
    });

    it('triggers no CSP violation and logs no error (nothing tried to run)', async () => {
      expect(await cspViolations(opened.page)).toEqual([]);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toHaveLength(1);
    });
  });
}
