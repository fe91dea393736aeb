// `attack-cov report`: build the CoverageReport, write the chosen outputs, print the summary, gate.
import path from 'node:path';
import { EXIT_GATE, EXIT_OK } from '../errors.js';
import { writeOutputs } from '../output.js';
import { displayPath } from '../falco/load.js';
import { loadReportAssets } from '../report/assets.js';
import { selectReporters } from '../report/registry.js';
import { renderSummary, type TerminalStyle } from '../report/terminal.js';
import { buildReport, type CommonOptions, type Environment } from './inputs.js';
import { findingsAtOrAbove, parseFailOn } from './gate.js';

export interface ReportOptions extends CommonOptions {
  out: string;
  format?: string[];
  failOn?: string;
  top?: number;
  quiet?: boolean;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  style: TerminalStyle;
}

export async function runReport(options: ReportOptions, env: Environment, io: Io): Promise<number> {
  const reporters = selectReporters(options.format);
  const failOn = parseFailOn(options.failOn, 'none');
  const report = await buildReport(options, env);
  const outDir = path.resolve(env.cwd, options.out);
  // Render everything before writing anything: a reporter that throws leaves --out untouched.
  const assets = reporters.some((r) => r.name === 'heatmap') ? loadReportAssets() : undefined;
  const files = reporters.map((reporter) => {
    const content = reporter.render(report, { outDir, assets });
    const problems = reporter.validate?.(content) ?? [];
    // An output that fails its own schema is attack-cov's bug, not the user's: fail loudly, write nothing.
    if (problems.length > 0) throw new Error(`${reporter.fileName} does not validate: ${problems.slice(0, 5).join('; ')}`);
    return { name: reporter.fileName, content };
  });
  const written = await writeOutputs(outDir, files);
  if (!options.quiet) io.stdout(renderSummary(report, io.style, options.top));
  for (const file of written) io.stderr(`wrote ${displayPath(file, env.cwd)}\n`);
  const failing = findingsAtOrAbove(report.findings, failOn);
  if (failing.length > 0) {
    io.stderr(`gate failed: ${failing.length} finding(s) at or above ${failOn} (--fail-on ${failOn})\n`);
    return EXIT_GATE;
  }
  return EXIT_OK;
}
