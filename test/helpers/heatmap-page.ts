// Opens a generated heatmap.html in chromium and records what the page did (errors, requests, dialogs);
// runs axe-core in it. Shared by the browser tests.
import { mkdtemp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { runCli } from './cli.js';
import { repoRoot } from './paths.js';

export const ARTIFACTS = path.join(repoRoot, 'test-output');

export interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

/** Elements with an event handler (or an img, svg, iframe, object, embed) that entered the page at any time,
 * even if gone since: the markup an escaping bug lets in. */
export const foreignElements = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __foreignElements: string[] }).__foreignElements);

/** What the page's CSP blocked so far (always empty with bypassCSP). */
export const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

export async function generate(args: string[]): Promise<{ html: string; report: CoverageReport }> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-html-'));
  const result = await runCli(['report', ...args, '--out', out, '--format', 'html', '-q']);
  expect(result.code, result.stderr).toBe(0);
  return { html: path.join(out, 'heatmap.html'), report: JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport };
}

/** bypassCSP (default on, so that the accessibility test can inject axe-core): the security tests open each
 * page twice, with the page's CSP relaxed (an escaping bug then runs its payload, which the test sees) and
 * enforced (what a user gets; a blocked attempt is recorded in `cspViolations`). */
export async function open(browser: Browser, file: string, colorScheme: 'light' | 'dark' = 'light', viewport = { width: 1280, height: 900 }, { bypassCSP = true } = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport, colorScheme, bypassCSP });
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __cspViolations: string[] }).__cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    // Every element that ever entered the page carrying an event handler, or of a kind the page's code never makes.
    const foreign: string[] = ((window as unknown as { __foreignElements: string[] }).__foreignElements = []);
    const isForeign = (e: Element) => /^(IMG|SVG|IFRAME|OBJECT|EMBED)$/i.test(e.tagName) || e.getAttributeNames().some((a) => a.startsWith('on') || a === 'data-pwned');
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        for (const e of [node, ...node.querySelectorAll('*')]) if (isForeign(e)) foreign.push(e.outerHTML.slice(0, 200));
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const opened: Opened = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => m.type() === 'error' && opened.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => opened.consoleErrors.push(e.message));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  // A script error before the matrix is drawn (e.g. a data block cut short by markup) fails at once, with its message.
  const broken = new Promise<never>((_resolve, reject) => page.once('pageerror', (e) => reject(new Error(`the page broke before drawing its matrix: ${e.message}`))));
  broken.catch(() => undefined);
  await page.goto(pathToFileURL(file).href);
  await Promise.race([page.waitForSelector('section.tactic'), broken]);
  return opened;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page as it is; returns the violations. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}
