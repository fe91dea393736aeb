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
 * with its other outcome (`stale`), and those it leaves (`kept`), as it has no draft of the model's to replace them: its
 * call failed, or it made a skeleton (a run without its LLM, as a CI job that lost its key, is no reason to lose them). */
function earlierFiles(result: DraftResult): { stale: string[]; kept: string[] } {
  const passed = `${result.technique}.yaml`;
  const rejected = `rejected/${passed}`;
  if (result.status === 'passed') return { stale: [rejected], kept: [] };
  if (result.status === 'rejected') return { stale: [passed], kept: [] };
  return { stale: [], kept: [passed, rejected] };
}

/** How much of a file's start tells a draft's header: the first line, and `# validation:` a few lines on. */
const HEADER_BYTES = 4096;

/** What `file` is: a draft attack-cov wrote (a regular file, not followed through a symlink, never a FIFO that would
 * block the read, that opens with `start`), a skeleton it wrote, or neither (unreadable or gone too). */
function earlierDraftKind(file: string, start: string): 'draft' | 'skeleton' | undefined {
  let fd: number | undefined;
  try {
    fd = openRegularFile(file, { isLinkRefused: true }).fd;
    const buffer = Buffer.alloc(HEADER_BYTES);
    const head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    if (!head.startsWith(start)) return undefined;
    return /^# validation: skeleton/m.test(head) ? 'skeleton' : 'draft';
  } catch {
    return undefined;
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
  return results.map((result) => {
    const { stale, kept } = earlierFiles(result);
    const removed = stale.filter((name) => earlierDraftOf(outDir, name, toolName) !== undefined);
    for (const name of removed) rmSync(path.join(outDir, name), { force: true });
    // A skeleton of an earlier run is no one's work: this run's draft or skeleton replaces it.
    const left = kept.filter((name) => earlierDraftOf(outDir, name, toolName) === 'draft');
    return { ...result, ...(removed.length > 0 ? { removed } : {}), ...(left.length > 0 ? { kept: left } : {}) };
  });
}

/** earlierDraftKind of `name` in `outDir`, never through a folder that is a symlink out of --out (rejected ->
 * ../elsewhere): that file is not this run's (QA). */
function earlierDraftOf(outDir: string, name: string, toolName: string): 'draft' | 'skeleton' | undefined {
  const file = path.join(outDir, name);
  return isReallyInside(outDir, path.dirname(file)) ? earlierDraftKind(file, draftFileStart(toolName)) : undefined;
}

/** Writes the drafts of `outcomes` and summary.json (`summaryOf` the results, with what was removed and kept) into
 * `outDir`; the results as written (a skeleton not written has no file), and the files removed and kept, relative to it. */
export async function writeDraftRun(outDir: string, outcomes: { result: DraftResult; text: string }[], summaryOf: (results: DraftResult[]) => object, toolName: string): Promise<{ results: DraftResult[]; removed: string[]; kept: string[] }> {
  // A skeleton is not written over an earlier run's draft of the model's: that one is kept (removeEarlierRun).
  const written = outcomes.map((o): { result: DraftResult; text: string } => {
    if (o.result.status !== 'skeleton' || earlierDraftOf(outDir, o.result.file!, toolName) !== 'draft') return o;
    const { file: _unwritten, ...result } = o.result;
    return { result, text: '' };
  });
  let results: DraftResult[] = written.map((o) => o.result);
  const summaryLast = (): string => {
    results = removeEarlierRun(outDir, results, toolName);
    return stringifyJson(summaryOf(results));
  };
  const drafts = written.filter((o) => o.result.file).map((o) => ({ name: o.result.file!, content: o.text }));
  await writeOutputs(outDir, [...drafts, { name: 'summary.json', content: summaryLast }]);
  return { results, removed: results.flatMap((r) => r.removed ?? []), kept: results.flatMap((r) => r.kept ?? []) };
}
