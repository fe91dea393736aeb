// The source root every output names files relative to: --source-root (checked to be a folder), else the git work
// tree holding the first rules path that is no official spec, else the working directory; and how a file is named
// against it (relative with / separators, or by its base name, flagged, when it lies outside).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSourceRoot, gitWorkTree, repositoryPlace, repositoryWorkTree, rootInRepository, showPath, showPaths } from '../../src/source-root.js';

let top: string;
let repo: string;
beforeAll(async () => {
  top = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-source-root-'));
  repo = path.join(top, 'repo');
  await mkdir(path.join(repo, 'rules', 'nested'), { recursive: true });
  await mkdir(path.join(repo, '.git'));
  await writeFile(path.join(repo, 'rules', 'a.yaml'), '[]\n');
  await writeFile(path.join(top, 'loose.yaml'), '[]\n');
});

describe('gitWorkTree', () => {
  it('finds the nearest folder holding .git at or above the start, a .git file (a worktree) too', async () => {
    expect(gitWorkTree(path.join(repo, 'rules', 'nested'))).toBe(repo);
    expect(gitWorkTree(repo)).toBe(repo);
    const worktree = path.join(top, 'worktree');
    await mkdir(worktree, { recursive: true });
    await writeFile(path.join(worktree, '.git'), 'gitdir: /elsewhere\n');
    expect(gitWorkTree(worktree)).toBe(worktree);
  });
  it('climbs from a folder that does not exist, and stops at / (undefined where no folder up to it holds one)', () => {
    expect(gitWorkTree(path.join(repo, 'no', 'such'))).toBe(repo);
    expect(gitWorkTree(path.join(top, 'no', 'such'))).toBe(gitWorkTree(os.tmpdir()));
    if (gitWorkTree(os.tmpdir()) === undefined) expect(gitWorkTree(top)).toBeUndefined();
  });
});

describe('repositoryWorkTree', () => {
  /** A superproject `super` (with a .git folder) holding `at` as a submodule whose .git file says `gitdir: <line>`. */
  async function submodule(at: string, line: (superproject: string) => string, name = 'super'): Promise<string> {
    const superproject = await mkdtemp(path.join(top, `${name}-`));
    await mkdir(path.join(superproject, '.git'));
    await mkdir(path.join(superproject, at), { recursive: true });
    await writeFile(path.join(superproject, at, '.git'), line(superproject));
    return superproject;
  }

  it("names a submodule's files from the superproject's root, its git dir written relative, absolute or with CRLF", async () => {
    const relative = await submodule('vendor/rules', () => 'gitdir: ../../.git/modules/vendor/rules\n');
    expect(repositoryWorkTree(path.join(relative, 'vendor', 'rules'))).toBe(relative);
    const absolute = await submodule('vendor/rules', (s) => `gitdir: ${s}/.git/modules/vendor/rules\n`);
    expect(repositoryWorkTree(path.join(absolute, 'vendor', 'rules'))).toBe(absolute);
    const crlf = await submodule('rules', () => 'gitdir: ../.git/modules/rules\r\n');
    expect(repositoryWorkTree(path.join(crlf, 'rules'))).toBe(crlf);
    const bare = await submodule('rules', () => 'gitdir: ../.git/modules/rules');
    expect(repositoryWorkTree(path.join(bare, 'rules'))).toBe(bare);
    // A submodule of a submodule: the outermost superproject, the one CI checks out.
    const nested = await submodule('a/b', () => 'gitdir: ../../.git/modules/a/modules/b\n');
    expect(repositoryWorkTree(path.join(nested, 'a', 'b'))).toBe(nested);
    // Through findSourceRoot, from a rules file in the submodule.
    await writeFile(path.join(relative, 'vendor', 'rules', 'x.yaml'), '[]\n');
    expect(findSourceRoot(undefined, [path.join(relative, 'vendor', 'rules', 'x.yaml')], '/')).toBe(relative);
  });

  it('keeps the work tree itself for a worktree, a .git folder, a .git file that says no gitdir, and a superproject that does not hold it', async () => {
    const worktree = await submodule('wt', () => 'gitdir: /main/.git/worktrees/wt\n');
    expect(repositoryWorkTree(path.join(worktree, 'wt'))).toBe(path.join(worktree, 'wt'));
    expect(repositoryWorkTree(repo)).toBe(repo);
    for (const line of ['not a gitdir line\n', 'gitdir:../.git/modules/x\n', '', 'gitdir: ../.git/modules/x\nmore\n']) {
      const odd = await submodule('x', () => line);
      expect(repositoryWorkTree(path.join(odd, 'x')), JSON.stringify(line)).toBe(path.join(odd, 'x'));
    }
    // modules/ of a repository elsewhere (not above it), of itself, or of a folder without its .git folder.
    const elsewhere = await submodule('x', () => `gitdir: ${repo}/.git/modules/x\n`);
    expect(repositoryWorkTree(path.join(elsewhere, 'x'))).toBe(path.join(elsewhere, 'x'));
    const itself = await submodule('x', (s) => `gitdir: ${s}/x/.git/modules/x\n`);
    expect(repositoryWorkTree(path.join(itself, 'x'))).toBe(path.join(itself, 'x'));
    const sibling = await submodule('x', (s) => `gitdir: ${s}-other/.git/modules/x\n`);
    await mkdir(`${sibling}-other/.git`, { recursive: true });
    expect(repositoryWorkTree(path.join(sibling, 'x'))).toBe(path.join(sibling, 'x'));
    const parentNamedDots = await submodule('..x/y', () => 'gitdir: ../../.git/modules/y\n');
    expect(repositoryWorkTree(path.join(parentNamedDots, '..x', 'y'))).toBe(parentNamedDots);
    const noGitFolder = await submodule('x', () => 'gitdir: ../.git/modules/x\n');
    await rm(path.join(noGitFolder, '.git'), { recursive: true });
    await writeFile(path.join(noGitFolder, '.git'), 'gitdir: /somewhere\n');
    expect(repositoryWorkTree(path.join(noGitFolder, 'x'))).toBe(path.join(noGitFolder, 'x'));
  });
});

// Proves each check of repositoryWorkTree is needed: every case below is a .git file whose gitdir line is read, resolved
// and split differently, in a superproject folder `s` that has a .git folder (so the only thing that keeps the tree
// itself is the check under test), and each asserts the exact folder returned.
describe('repositoryWorkTree, one check at a time', () => {
  /** A folder `s` with a .git folder, and `tree` under it (relative) whose .git file holds `text`; returns `s`. */
  async function layout(tree: string, text: string): Promise<string> {
    const s = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-source-root-check-'));
    await mkdir(path.join(s, '.git'));
    await mkdir(path.join(s, tree), { recursive: true });
    await writeFile(path.join(s, tree, '.git'), text);
    return s;
  }

  it('reads gitdir: only at the start of the file', async () => {
    const s = await layout('x', '# gitdir: ../.git/modules/x\n');
    expect(repositoryWorkTree(path.join(s, 'x'))).toBe(path.join(s, 'x'));
    const plain = await layout('x', 'gitdir: ../.git/modules/x\n');
    expect(repositoryWorkTree(path.join(plain, 'x'))).toBe(plain);
  });

  it('takes a superproject only at a .git folder followed by modules: not .git/worktrees, not modules under another folder', async () => {
    // A linked worktree of the folder above: its git dir is <s>/.git/worktrees/wt.
    const worktree = await layout('wt', 'gitdir: ../.git/worktrees/wt\n');
    expect(repositoryWorkTree(path.join(worktree, 'wt'))).toBe(path.join(worktree, 'wt'));
    // modules/ under a folder named a, not .git.
    const notGit = await layout('a/x', 'gitdir: ../modules/x\n');
    expect(repositoryWorkTree(path.join(notGit, 'a', 'x'))).toBe(path.join(notGit, 'a', 'x'));
  });

  it('keeps the tree when the git dir has no .git/modules/ at all, even in a folder holding it with a .git folder', async () => {
    const s = await layout('x', 'gitdir: ../x-git\n');
    expect(repositoryWorkTree(path.join(s, 'x'))).toBe(path.join(s, 'x'));
  });

  it('keeps the tree when the superproject lies below it (relative ..), or is the tree itself (relative "")', async () => {
    // <s>/t/sub/.git/modules/x named from <s>/t: the "superproject" <s>/t/sub, with a .git folder, is inside the tree.
    const below = await layout('t', 'gitdir: sub/.git/modules/x\n');
    await mkdir(path.join(below, 't', 'sub', '.git'), { recursive: true });
    expect(repositoryWorkTree(path.join(below, 't'))).toBe(path.join(below, 't'));
    const itself = await layout('x', 'gitdir: .git/modules/x\n');
    expect(repositoryWorkTree(path.join(itself, 'x'))).toBe(path.join(itself, 'x'));
  });
});

describe('rootInRepository', () => {
  it("is the root's folder in its repository, from the top of the work tree, or nothing at the top and outside any", async () => {
    expect(rootInRepository(repo)).toBeUndefined();
    expect(rootInRepository(path.join(repo, 'rules', 'nested'))).toBe('rules/nested');
    if (gitWorkTree(os.tmpdir()) === undefined) expect(rootInRepository(top)).toBeUndefined();
    // In a submodule: from the superproject's top, which CI checks out.
    const superproject = await mkdtemp(path.join(top, 'super-'));
    await mkdir(path.join(superproject, '.git'));
    await mkdir(path.join(superproject, 'vendor', 'rules', 'team'), { recursive: true });
    await writeFile(path.join(superproject, 'vendor', 'rules', '.git'), 'gitdir: ../../.git/modules/vendor/rules\n');
    expect(rootInRepository(path.join(superproject, 'vendor', 'rules', 'team'))).toBe('vendor/rules/team');
  });
});

describe('repositoryPlace', () => {
  it('names a file an error names from the repository\'s top: from the source root where it is there, else from the working directory', async () => {
    await mkdir(path.join(repo, 'other'), { recursive: true });
    await writeFile(path.join(repo, 'other', 'r.yaml'), '[]\n');
    const place = repositoryPlace(path.join(repo, 'rules'), repo);
    expect(place('a.yaml')).toBe('rules/a.yaml');
    expect(place('other/r.yaml')).toBe('other/r.yaml');
    // Neither: as typed, from the working directory.
    expect(place('rules/missing.yaml')).toBe('rules/missing.yaml');
    // Above the repository's top, or outside any: nowhere.
    expect(place('../loose.yaml')).toBeUndefined();
    if (gitWorkTree(os.tmpdir()) === undefined) expect(repositoryPlace(top, top)('loose.yaml')).toBeUndefined();
    expect(place('.')).toBe('rules');
    expect(repositoryPlace(repo, repo)('.')).toBeUndefined();
  });
});

describe('findSourceRoot', () => {
  it('takes --source-root resolved against the working directory', () => {
    expect(findSourceRoot('rules', undefined, repo)).toBe(path.join(repo, 'rules'));
    expect(findSourceRoot(repo, ['/elsewhere/x.yaml'], '/')).toBe(repo);
  });
  it('refuses an empty --source-root, a file and a missing folder, naming the config key too', () => {
    expect(() => findSourceRoot(' ', undefined, repo)).toThrow('--source-root "": no value in it');
    try {
      findSourceRoot('', undefined, repo);
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe('give --source-root a folder, or leave it out');
    }
    expect(() => findSourceRoot('rules/a.yaml', undefined, repo)).toThrow('--source-root (or source-root in .attack-cov.yaml) rules/a.yaml: not a directory');
    expect(() => findSourceRoot('gone', undefined, repo)).toThrow('--source-root (or source-root in .attack-cov.yaml) gone: no such directory');
    try {
      findSourceRoot('gone', undefined, repo);
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe('name the folder outputs name files relative to, e.g. the root of your rules repository');
    }
  });
  it('else takes the git work tree holding the first rules path that is not official (a file or a folder)', () => {
    expect(findSourceRoot(undefined, ['official', 'rules/a.yaml'], repo)).toBe(repo);
    expect(findSourceRoot(undefined, ['official:all', path.join(repo, 'rules', 'nested')], '/')).toBe(repo);
    expect(findSourceRoot(undefined, [path.join(repo, 'rules')], '/')).toBe(repo);
    // The work tree's own folder as the rules path: looked for from the folder itself, not its parent.
    expect(findSourceRoot(undefined, [repo], '/')).toBe(repo);
  });
  it('else the working directory: no rules, only official ones, or rules outside any work tree', () => {
    expect(findSourceRoot(undefined, undefined, top)).toBe(top);
    expect(findSourceRoot(undefined, ['official@falco-rules-4.0.0'], top)).toBe(top);
    if (gitWorkTree(top) === undefined) expect(findSourceRoot(undefined, [path.join(top, 'loose.yaml')], repo)).toBe(repo);
  });
});

describe('showPath', () => {
  it('names a file inside the root relative to it, with / separators', () => {
    expect(showPath(path.join(repo, 'rules', 'a.yaml'), repo)).toEqual({ path: 'rules/a.yaml', isOutsideRoot: false });
    expect(showPath('rules/a.yaml', repo)).toEqual({ path: 'rules/a.yaml', isOutsideRoot: false });
    expect(showPath(path.join(repo, '..repo-like', 'x.yaml'), repo)).toEqual({ path: '..repo-like/x.yaml', isOutsideRoot: false });
  });
  it('names a file outside the root, the root itself and its parent by base name, flagged', () => {
    expect(showPath(path.join(top, 'loose.yaml'), repo)).toEqual({ path: 'loose.yaml', isOutsideRoot: true });
    expect(showPath(repo, repo)).toEqual({ path: 'repo', isOutsideRoot: true });
    expect(showPath(top, repo)).toEqual({ path: path.basename(top), isOutsideRoot: true });
  });
});

describe('showPaths', () => {
  const root = path.resolve('/work/repo');
  const names = (files: string[]) => [...showPaths(files, root).entries()].map(([file, s]) => `${file} → ${s.path}${s.isOutsideRoot ? ' (outside)' : ''}`);

  it('names files as showPath does while no two outside the root share a base name', () => {
    expect(names(['rules/a.yaml', '/etc/falco/falco_rules.yaml', '/opt/x.yaml'])).toEqual([
      `${path.join(root, 'rules/a.yaml')} → rules/a.yaml`, '/etc/falco/falco_rules.yaml → falco_rules.yaml (outside)', '/opt/x.yaml → x.yaml (outside)',
    ]);
  });

  it('names files outside the root that share a base name by as many parent folders as tell them apart', () => {
    expect(names(['/etc/falco/rules.d/rules.yaml', '/opt/vendor/rules.d/rules.yaml', '/opt/other/rules.yaml', '/rules.yaml', 'rules.yaml'])).toEqual([
      '/etc/falco/rules.d/rules.yaml → falco/rules.d/rules.yaml (outside)',
      '/opt/vendor/rules.d/rules.yaml → vendor/rules.d/rules.yaml (outside)',
      '/opt/other/rules.yaml → other/rules.yaml (outside)',
      '/rules.yaml → rules.yaml (outside)',
      // Inside the root: its relative path, whatever files outside are called.
      `${path.join(root, 'rules.yaml')} → rules.yaml`,
    ]);
    // The same file twice is one file, one name.
    expect(names(['/a/rules.yaml', '/a/rules.yaml'])).toEqual(['/a/rules.yaml → rules.yaml (outside)']);
  });
});
