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

export async function generate(args: string[]): Promise<{ html: string; report: CoverageReport }> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-html-'));
  const result = await runCli(['report', ...args, '--out', out, '--format', 'html', '-q']);
  expect(result.code, result.stderr).toBe(0);
  return { html: path.join(out, 'heatmap.html'), report: JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport };
}

export async function open(browser: Browser, file: string, colorScheme: 'light' | 'dark' = 'light', viewport = { width: 1280, height: 900 }): Promise<Opened> {
  // bypassCSP only so that the accessibility test can inject axe-core; the page's own CSP shows in the requests it makes.
  const page = await browser.newPage({ viewport, colorScheme, bypassCSP: true });
  const opened: Opened = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => m.type() === 'error' && opened.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => opened.consoleErrors.push(e.message));
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('section.tactic');
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
