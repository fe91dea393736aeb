// Writes a draft run into --out so that the folder says only what this run produced. Every file goes to a temporary
// name first (writeOutputs); then, before the first rename, the earlier run's summary.json goes, and so do the drafts
// of this run's techniques that this run did not produce (a draft that failed would otherwise sit there as if it were
// this run's); summary.json is renamed last. A run interrupted among the renames leaves no summary.json, never the
// earlier one beside new drafts. Only drafts attack-cov wrote are removed: a regular file opening with a draft's header.
import { closeSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { draftFileStart } from '../draft/draft-file.js';
import { writeOutputs } from '../output.js';
import { openRegularFile } from '../regular-file.js';
import { stringifyJson } from '../report/reporter.js';
import type { DraftResult } from './draft.js';

/** The draft files of `result`'s technique (relative to --out) that an earlier run may have left and this run did not write. */
function staleFiles(result: DraftResult): string[] {
  const passed = `${result.technique}.yaml`;
  const rejected = `rejected/${passed}`;
  if (result.status === 'passed' || result.status === 'skeleton') return [rejected];
  if (result.status === 'rejected') return [passed];
  return [passed, rejected];
}

/** Whether `file` is a draft attack-cov wrote: a regular file (not followed through a symlink, never a FIFO that
 * would block the read) that opens with `start`. Unreadable or gone: not one. */
function isOwnDraft(file: string, start: string): boolean {
  let fd: number | undefined;
  try {
    fd = openRegularFile(file, { isLinkRefused: true }).fd;
    const head = Buffer.alloc(Buffer.byteLength(start));
    return head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8') === start;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes the earlier run's summary.json and the stale drafts of `results`; the results with what was removed of each. */
function removeEarlierRun(outDir: string, results: DraftResult[], toolName: string): DraftResult[] {
  try {
    rmSync(path.join(outDir, 'summary.json'), { force: true });
  } catch {
    // A folder by that name: not this run's to remove (writeOutputs refuses a summary.json that is one).
  }
  return results.map((result) => {
    const removed = staleFiles(result).filter((name) => {
      const file = path.join(outDir, name);
      if (!isOwnDraft(file, draftFileStart(toolName))) return false;
      rmSync(file, { force: true });
      return true;
    });
    return removed.length > 0 ? { ...result, removed } : result;
  });
}

/** Writes the drafts of `outcomes` and summary.json (`summaryOf` the results, with what was removed) into `outDir`;
 * the files removed, relative to it. */
export async function writeDraftRun(outDir: string, outcomes: { result: DraftResult; text: string }[], summaryOf: (results: DraftResult[]) => object, toolName: string): Promise<string[]> {
  let results: DraftResult[] = [];
  const summaryLast = (): string => {
    results = removeEarlierRun(outDir, outcomes.map((o) => o.result), toolName);
    return stringifyJson(summaryOf(results));
  };
  const drafts = outcomes.filter((o) => o.result.file).map((o) => ({ name: o.result.file!, content: o.text }));
  await writeOutputs(outDir, [...drafts, { name: 'summary.json', content: summaryLast }]);
  return results.flatMap((r) => r.removed ?? []);
}
