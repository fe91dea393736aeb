// The source root every output names files relative to (--source-root; default the git work tree that
// holds the rules, else the working directory), so reports never carry a machine's absolute paths.
import { readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { noValueError, UsageError } from './errors.js';

/** The note a rules file outside the source root carries in report.json (`inputs.rules[].note`). */
export const OUTSIDE_ROOT_NOTE = 'outside the source root: named by its base name, with the folders above it that tell it from another file of that name';

/** The note a rules file inside the source root carries when it is a symlink to a file outside it (through a linked
 * folder too): the repository holds the link, not the lines, so code scanning could show no alert there. */
export const LINK_OUTSIDE_ROOT_NOTE = 'a symlink to a file outside the source root: its lines are not in the repository';

/** A file as outputs name it: relative to the root with / separators, or its base name when outside. */
export interface ShownPath {
  path: string;
  isOutsideRoot: boolean;
}

/** stat, or undefined for anything it cannot say (missing, a symlink loop, no permission): the loaders report those. */
function statQuietly(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    // Missing, a symlink loop, no permission: undefined.
  }
  return undefined;
}

/** The nearest folder at or above `start` that holds `.git` (a directory, or a file for worktrees). */
export function gitWorkTree(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (statQuietly(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The work tree of the repository a checkout holds `tree` in: for a submodule (its `.git` a file saying
 * `gitdir: <superproject>/.git/modules/<name>`, as git writes it since 1.7.8), the outermost superproject's work
 * tree, which is what CI checks out and code scanning names files from; for anything else (a worktree's
 * `gitdir: …/.git/worktrees/<name>`, a .git folder, a .git file that does not read) `tree` itself.
 */
export function repositoryWorkTree(tree: string): string {
  let text: string;
  try {
    // A .git folder throws EISDIR: a repository of its own.
    text = readFileSync(path.join(tree, '.git'), 'utf8');
  } catch {
    return tree;
  }
  const gitdir = /^gitdir: (.+?)\r?\n?$/.exec(text)?.[1];
  if (gitdir === undefined) return tree;
  const resolved = path.resolve(tree, gitdir);
  // The first /.git/modules/ is the outermost superproject's (a nested submodule's git dir is under its modules/ too).
  const at = resolved.split(path.sep).findIndex((part, i, parts) => part === '.git' && parts[i + 1] === 'modules');
  // Stryker disable next-line EqualityOperator: at is never 0, as `resolved` is absolute and its first part is '' (or a drive), never .git
  if (at <= 0) return tree;
  const superproject = resolved.split(path.sep).slice(0, at).join(path.sep) || path.sep;
  const relative = path.relative(superproject, tree);
  // Only a superproject that holds the submodule (the layout git makes) and has its .git there.
  if (
    relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ||
    // Stryker disable next-line ConditionalExpression,StringLiteral: the tree as its own superproject fails the .git folder check below too, its .git having just been read as a file
    relative === '' ||
    !statQuietly(path.join(superproject, '.git'))?.isDirectory()
  ) return tree;
  return superproject;
}

/** `given` (resolved against cwd), else the repository work tree holding the first rules path (a submodule's
 * superproject), else cwd. */
export function findSourceRoot(given: string | undefined, rulesPaths: string[] | undefined, cwd: string): string {
  if (given !== undefined) {
    // A root that is no folder would name every file by its base name, each with a note, and say nothing else.
    if (given.trim() === '') throw noValueError('--source-root', '', 'give --source-root a folder, or leave it out');
    const root = path.resolve(cwd, given);
    const info = statQuietly(root);
    // The value may come from the project config (resolved against its folder): both spellings are named.
    if (!info?.isDirectory()) throw new UsageError(`--source-root (or source-root in .attack-cov.yaml) ${given}: ${info ? 'not a directory' : 'no such directory'}`, 'name the folder outputs name files relative to, e.g. the root of your rules repository');
    return root;
  }
  const first = rulesPaths?.find((p) => !p.startsWith('official'));
  if (first) {
    // From the path itself, a file too: no `.git` lies under a file.
    const tree = gitWorkTree(path.resolve(cwd, first));
    if (tree) return repositoryWorkTree(tree);
  }
  return cwd;
}

/**
 * Where `root` lies in the repository that holds it (`deploy/falco`, / separators), when below the top of its work tree
 * (a submodule's: its superproject's, repositoryWorkTree); undefined at the top or outside any repository. Outputs name
 * files from the root (a project config's folder, say), but code scanning and the Actions runner read SARIF's and
 * annotations' paths from the repository's top (QA: with .attack-cov.yaml in a subfolder they named no file).
 */
export function rootInRepository(root: string): string | undefined {
  const tree = gitWorkTree(root);
  if (tree === undefined) return undefined;
  const relative = path.relative(repositoryWorkTree(tree), path.resolve(root));
  return relative === '' ? undefined : relative.split(path.sep).join('/');
}

/**
 * The path from its repository's top of a file an error names, for its annotation: errors name files from the source
 * root, or as given, from the working directory (the loaders name a file as typed where it cannot be read); the one
 * that exists is taken, the source root's first (the review: a file named as typed got the root's folder twice).
 * Undefined outside any repository.
 */
export function repositoryPlace(root: string, cwd: string): (shown: string) => string | undefined {
  return (shown) => {
    const candidates = [path.resolve(root, shown), path.resolve(cwd, shown)];
    const file = candidates.find((candidate) => statQuietly(candidate) !== undefined) ?? candidates[1]!;
    const tree = gitWorkTree(path.dirname(file));
    // The tree (a submodule's superproject too) holds the file's folder, so the file lies below its top.
    return tree === undefined ? undefined : path.relative(repositoryWorkTree(tree), file).split(path.sep).join('/');
  };
}

/** Names `file` relative to `root`; a file outside it (or on another drive) by its base name. */
export function showPath(file: string, root: string): ShownPath {
  const relative = path.relative(root, path.resolve(root, file));
  const isOutsideRoot = relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  const shown = isOutsideRoot ? path.basename(file) : relative;
  return { path: shown.split(path.sep).join('/'), isOutsideRoot };
}

/**
 * showPath for the files of one run: files outside the root that share a base name are named by as many of their
 * parent folders as tell them apart (`a/rules.yaml`, `b/rules.yaml`), still never by an absolute path. Keyed by
 * the resolved path.
 */
export function showPaths(files: readonly string[], root: string): Map<string, ShownPath> {
  const shown = new Map<string, ShownPath>();
  for (const file of files) shown.set(path.resolve(root, file), showPath(file, root));
  const outsideByName = new Map<string, string[]>();
  for (const [file, s] of shown) if (s.isOutsideRoot) outsideByName.set(s.path, [...(outsideByName.get(s.path) ?? []), file]);
  for (const group of outsideByName.values()) {
    if (group.length < 2) continue;
    const parts = group.map((file) => file.split(path.sep).filter((p) => p !== ''));
    for (const [i, file] of group.entries()) {
      const mine = parts[i]!;
      // Two distinct resolved paths differ in some trailing segment, so a long enough tail tells this one apart (the
      // whole path at most: one a tail of the other differs from it there), and the loop ends without a bound.
      let depth = 2;
      const tail = (segments: string[], n: number): string => segments.slice(-n).join('/');
      while (parts.some((other, j) => j !== i && tail(other, depth) === tail(mine, depth))) depth++;
      shown.set(file, { path: tail(mine, depth), isOutsideRoot: true });
    }
  }
  return shown;
}

/**
 * What a file inside the root, shown as `shown`, resolves to through symlinks (its own, or a linked folder on its path):
 * `target`, the file so resolved as outputs would name it, when that is another file of the root; a note when it lies
 * outside the root; nothing when it is itself, or cannot be resolved (the read says why). The root is resolved too, so
 * a root reached through a link names its files as before.
 */
export function linkTarget(file: string, shown: ShownPath, root: string): { target?: string; note?: string } {
  let real: ShownPath;
  try {
    real = showPath(realpathSync(file), realpathSync(root));
  } catch {
    return {};
  }
  if (real.isOutsideRoot) return { note: LINK_OUTSIDE_ROOT_NOTE };
  return real.path === shown.path ? {} : { target: real.path };
}
