// report.json: the CoverageReport itself, the canonical versioned result.
import { jsonChunks } from './json-chunks.js';
import { stringifyJson, type Reporter } from './reporter.js';

export const jsonReporter: Reporter = {
  name: 'json',
  fileName: 'report.json',
  description: 'the canonical, versioned result every other output is made from',
  render: (report) => stringifyJson(report),
  chunks: (report) => jsonChunks(report),
};
