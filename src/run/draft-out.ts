// Writes a draft run into --out so that the folder says what this run produced. Every file goes to a temporary name
// first (writeOutputs); then, before the first rename, the earlier run's summary.json goes, and so does an earlier
// draft of a technique this run drafted the other way (passed where it was rejected, or the reverse); summary.json is
// renamed last. A run interrupted among the renames leaves no summary.json, never the earlier one beside new drafts.
// Only drafts attack-cov wrote are removed: a regular file opening with a draft's header. The earlier drafts of a
// technique whose call failed this run (an outage, a timeout) stay, named in summary.json (`kept`): a person may have
// reviewed and edited them, and nothing this run made replaces them (QA: a failed run deleted reviewed drafts).
import { closeSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { draftFileStart } from '../draft/draft-file.js';
import { isReallyInside, writeOutputs } from '../output.js';
import { openRegularFile } from '../regular-file.js';
import { stringifyJson } from '../report/reporter.js';
import type { DraftResult } from './draft.js';

/** The draft files of `result`'s technique (relative to --out) an earlier run may have left: those this run replaces
 * with its other outcome (`stale`), and those it leaves, as its call failed (`kept`). */
function earlierFiles(result: DraftResult): { stale: string[]; kept: string[] } {
  const passed = `${result.technique}.yaml`;
  const rejected = `rejected/${passed}`;
  if (result.status === 'passed' || result.status === 'skeleton') return { stale: [rejected], kept: [] };
  if (result.status === 'rejected') return { stale: [passed], kept: [] };
  return { stale: [], kept: [passed, rejected] };
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

/** Removes the earlier run's summary.json and the stale drafts of `results`; the results with what was removed of each,
 * and what was kept. */
function removeEarlierRun(outDir: string, results: DraftResult[], toolName: string): DraftResult[] {
  try {
    rmSync(path.join(outDir, 'summary.json'), { force: true });
  } catch {
    // A folder by that name: not this run's to remove (writeOutputs refuses a summary.json that is one).
  }
  // Not through a folder that is a symlink out of --out (rejected -> ../elsewhere): that file is not this run's (QA).
  const isEarlierDraft = (name: string) => isReallyInside(outDir, path.dirname(path.join(outDir, name))) && isOwnDraft(path.join(outDir, name), draftFileStart(toolName));
  return results.map((result) => {
    const { stale, kept } = earlierFiles(result);
    const removed = stale.filter(isEarlierDraft);
    for (const name of removed) rmSync(path.join(outDir, name), { force: true });
    const left = kept.filter(isEarlierDraft);
    return { ...result, ...(removed.length > 0 ? { removed } : {}), ...(left.length > 0 ? { kept: left } : {}) };
  });
}

/** Writes the drafts of `outcomes` and summary.json (`summaryOf` the results, with what was removed and kept) into
 * `outDir`; the files removed and kept, relative to it. */
export async function writeDraftRun(outDir: string, outcomes: { result: DraftResult; text: string }[], summaryOf: (results: DraftResult[]) => object, toolName: string): Promise<{ removed: string[]; kept: string[] }> {
  let results: DraftResult[] = [];
  const summaryLast = (): string => {
    results = removeEarlierRun(outDir, outcomes.map((o) => o.result), toolName);
    return stringifyJson(summaryOf(results));
  };
  const drafts = outcomes.filter((o) => o.result.file).map((o) => ({ name: o.result.file!, content: o.text }));
  await writeOutputs(outDir, [...drafts, { name: 'summary.json', content: summaryLast }]);
  return { removed: results.flatMap((r) => r.removed ?? []), kept: results.flatMap((r) => r.kept ?? []) };
}
