// src/output.ts in process, as its callers (report, emulate, lint --fix, suggest --apply) use it: which --out is
// refused and how, what writeOutputs leaves on disk when it succeeds and when it fails half-way, and when
// replaceFileAtomically refuses to touch a file. Every case works in a fresh directory under the OS temp dir.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../src/errors.js';
import { LARGE_PIECE_CHARS, SLICE_CHARS, checkOutputDir, checkReplaceable, isReallyInside, outDirOf, pathInside, replaceFileAtomically, replaceFilesAtomically, sliceEnd, writeOutputs, writtenPath } from '../../../src/output.js';
import { registerSecret } from '../../../src/secrets.js';
import { deadPid } from '../../helpers/processes.js';

const fresh = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-output-'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { hint?: string });
const listing = async (dir: string) => (await readdir(dir, { recursive: true })).map(String).sort();

describe('pathInside', () => {
  it('keeps names inside the directory, including ones that go up and come back', () => {
    expect(pathInside('/tmp/out', 'a/b.json')).toBe('/tmp/out/a/b.json');
    expect(pathInside('/tmp/out', 'a/../b.json')).toBe('/tmp/out/b.json');
    expect(pathInside('/tmp/out', '.')).toBe('/tmp/out');
  });

  it('takes / as a directory like any other (its prefix is / itself, not //), and a trailing separator too', () => {
    expect(pathInside('/', 'report.json')).toBe('/report.json');
    expect(pathInside('/', 'rejected/T1529.yaml')).toBe('/rejected/T1529.yaml');
    expect(pathInside('/tmp/out/', 'report.json')).toBe('/tmp/out/report.json');
    expect(() => pathInside('/tmp/out/', '../out-evil/x.json')).toThrow(InputError);
  });

  it('refuses an absolute name, one that climbs out, and a sibling that merely shares the prefix', () => {
    expect(() => pathInside('/tmp/out', '/etc/passwd')).toThrow('/etc/passwd: refusing to write outside the output directory /tmp/out');
    expect(() => pathInside('/tmp/out', '../x.json')).toThrow(InputError);
    // /tmp/out-evil starts with "/tmp/out" but is not inside it.
    expect(() => pathInside('/tmp/out', '../out-evil/x.json')).toThrow('../out-evil/x.json: refusing to write outside the output directory /tmp/out');
  });
});

describe('outDirOf', () => {
  it('resolves --out against the working directory, and refuses an empty one (it would be the working directory)', () => {
    expect(outDirOf('reports', '/work/repo')).toBe('/work/repo/reports');
    expect(outDirOf('/tmp/out', '/work/repo')).toBe('/tmp/out');
    for (const empty of ['', '  ']) {
      const error = (() => {
        try {
          outDirOf(empty, '/work/repo');
        } catch (e) {
          return e as UsageError;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.message).toBe('--out "": no value in it');
      expect(error?.hint).toBe('give --out a folder, or leave it out');
    }
    expect(() => outDirOf('', '/w', '--flag')).toThrow('--flag "": no value in it');
  });
});

describe('writtenPath (the terminal\'s `wrote …` lines)', () => {
  it('names a file inside the working directory relative to it, and any other by its whole path', () => {
    expect(writtenPath('/work/repo/reports/report.json', '/work/repo')).toBe('reports/report.json');
    expect(writtenPath('/tmp/out/report.json', '/work/repo')).toBe('/tmp/out/report.json');
    expect(writtenPath('/work/report.json', '/work/repo')).toBe('/work/report.json');
    // A name that only starts with two dots is inside.
    expect(writtenPath('/work/repo/..reports/report.json', '/work/repo')).toBe('..reports/report.json');
  });
});

describe('checkOutputDir', () => {
  it('refuses /proc, /sys and /dev and anything below them, naming the root and how to choose', async () => {
    for (const dir of ['/proc', '/sys/kernel/x', '/dev/reports', '/dev']) {
      const error = await failure(checkOutputDir(dir));
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.message).toBe(`--out ${dir}: refusing to write into /${dir.split('/')[1]}`);
      expect(error?.hint).toBe('choose a directory on a real filesystem, e.g. reports/');
    }
  });

  it('refuses them through a symlink too (a recursive mkdir under /proc never returns), and takes /dev/shm, a tmpfs', async () => {
    const root = await fresh();
    await symlink('/proc', path.join(root, 'plink'));
    const error = await failure(checkOutputDir(path.join(root, 'plink', 'x', 'y')));
    expect(error?.message).toBe(`--out ${path.join(root, 'plink', 'x', 'y')}: refusing to write into /proc`);
    await symlink(root, path.join(root, 'self'));
    await expect(checkOutputDir(path.join(root, 'self', 'reports'))).resolves.toBeUndefined();
    await expect(checkOutputDir('/dev/shm/attack-cov-reports-not-created')).resolves.toBeUndefined();
    await expect(checkOutputDir('/dev/shm')).resolves.toBeUndefined();
  });

  it('accepts a directory whose name only starts like a pseudo-filesystem, and a missing one, creating nothing', async () => {
    await expect(checkOutputDir('/procurement-reports-that-do-not-exist/x')).resolves.toBeUndefined();
    const root = await fresh();
    await expect(checkOutputDir(path.join(root, 'a', 'b', 'c'))).resolves.toBeUndefined();
    expect(await readdir(root)).toEqual([]);
    await expect(checkOutputDir(root)).resolves.toBeUndefined();
  });

  it('refuses an existing file, and a path below a file, with the flag it was given', async () => {
    const root = await fresh();
    const file = path.join(root, 'report.json');
    await writeFile(file, '{}');
    const onFile = await failure(checkOutputDir(file, '--emulate-out'));
    expect(onFile).toBeInstanceOf(UsageError);
    expect(onFile?.message).toBe(`--emulate-out ${file}: exists and is not a directory`);
    expect(onFile?.hint).toBe('choose a directory (it is created if missing)');
    const below = await failure(checkOutputDir(path.join(file, 'sub', 'dir')));
    expect(below?.message).toBe(`--out ${path.join(file, 'sub', 'dir')}: ${file} is not a directory`);
    expect(below?.hint).toBe('choose a directory (it is created if missing)');
  });

  it('names, in words, the path it cannot examine (a symlink loop) and why', async () => {
    const root = await fresh();
    const loop = path.join(root, 'loop');
    await symlink(loop, loop);
    const error = await failure(checkOutputDir(path.join(loop, 'out')));
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toBe(`--out ${path.join(loop, 'out')}: a symlink loop (too many levels of symbolic links)`);
  });
});

describe('checkOutputDir: the root of the file system (`--out "$DIR/"` with $DIR empty)', () => {
  it('is refused, as / and through a symlink to it, with a hint', async () => {
    const link = path.join(await fresh(), 'to-root');
    await symlink('/', link);
    for (const dir of ['/', '//', '/tmp/..', link]) {
      const error = await failure(checkOutputDir(dir));
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.message).toBe(`--out ${dir}: refusing to write into the root of the file system`);
      expect(error?.hint).toMatch(/^choose a folder for the outputs, e\.g\. --out reports\/ /);
    }
  });

  it('names a path too long to examine in words, once', async () => {
    const long = path.join(await fresh(), 'x'.repeat(300));
    expect((await failure(checkOutputDir(long)))?.message).toBe(`--out ${long}: the name is too long`);
  });
});

describe('writeOutputs', () => {
  it('writes every file (making subdirectories), returns their paths, redacts secrets and leaves no temporary', async () => {
    const out = path.join(await fresh(), 'reports');
    registerSecret('sk-output-test-secret-1234');
    const written = await writeOutputs(out, [
      { name: 'report.json', content: '{"key":"sk-output-test-secret-1234"}' },
      { name: 'layers/coverage.json', content: 'layer' },
    ]);
    expect(written).toEqual([path.join(out, 'report.json'), path.join(out, 'layers', 'coverage.json')]);
    expect(await readFile(written[0]!, 'utf8')).toBe('{"key":"[redacted]"}');
    expect(await readFile(written[1]!, 'utf8')).toBe('layer');
    expect(await listing(out)).toEqual(['layers', 'layers/coverage.json', 'report.json']);
  });

  it('refuses a name outside --out before writing anything', async () => {
    const out = await fresh();
    const error = await failure(writeOutputs(out, [{ name: 'a.json', content: 'a' }, { name: '../escape.json', content: 'x' }]));
    expect(error?.message).toBe(`../escape.json: refusing to write outside the output directory ${out}`);
    expect(await readdir(out)).toEqual([]);
  });

  it('removes temporaries a killed run left behind, and nothing else', async () => {
    const out = await fresh();
    const stale = path.join(out, `report.json.${deadPid()}.0123abcd.tmp`);
    const young = path.join(out, 'report.json.998.89abcdef.tmp');
    await writeFile(stale, 'half');
    await utimes(stale, new Date(2000, 0, 1), new Date(2000, 0, 1));
    await writeFile(young, 'another run, still going');
    await writeFile(path.join(out, 'notes.tmp'), 'mine');
    await writeOutputs(out, [{ name: 'report.json', content: '{}' }]);
    expect(await listing(out)).toEqual(['notes.tmp', 'report.json', 'report.json.998.89abcdef.tmp']);
  });

  it('says so when it cannot make a directory, and leaves the others untouched', async () => {
    const out = await fresh();
    await writeFile(path.join(out, 'layers'), 'a file where a directory should be');
    const error = await failure(writeOutputs(out, [{ name: 'report.json', content: '{}' }, { name: 'layers/x.json', content: 'x' }]));
    expect(error).toBeInstanceOf(InputError);
    // The reason in words, from making that one folder (a recursive mkdir said ENOENT on a read-only file system: QA).
    expect(error?.message).toBe(`${out}: cannot create the output directory: a file is in the way`);
    expect((error as InputError).hint).toBe('choose --out in a folder you may write');
    expect(await listing(out)).toEqual(['layers']);
  });

  it('says why from the first missing folder, not from a folder further up (a file where a folder of the path should be)', async () => {
    const out = await fresh();
    await writeFile(path.join(out, 'layers'), 'a file where a directory should be');
    // Making layers/deep says ENOTDIR; walking on past the first missing folder would end at / and say EEXIST.
    const error = await failure(writeOutputs(out, [{ name: 'layers/deep/x.json', content: 'x' }]));
    expect(error?.message).toBe(`${out}: cannot create the output directory: a path component is not a directory`);
    expect(await listing(out)).toEqual(['layers']);
  });

  it('says so when a file cannot be written (a name too long for the filesystem): nothing changes, no temporary stays', async () => {
    const out = await fresh();
    await writeFile(path.join(out, 'report.json'), 'old');
    const long = `${'n'.repeat(250)}.json`;
    const error = await failure(writeOutputs(out, [{ name: 'report.json', content: 'new' }, { name: long, content: 'x' }]));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${path.join(out, long)}: cannot write: the name is too long`);
    expect(await readFile(path.join(out, 'report.json'), 'utf8')).toBe('old');
    expect(await listing(out)).toEqual(['report.json']);
  });

  it('refuses a name taken by a directory before --out changes at all', async () => {
    const out = await fresh();
    await writeFile(path.join(out, 'report.json'), 'old');
    await mkdir(path.join(out, 'heatmap.html'));
    const error = await failure(writeOutputs(out, [{ name: 'report.json', content: 'new' }, { name: 'heatmap.html', content: '<html>' }]));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${path.join(out, 'heatmap.html')}: is a directory; nothing was written`);
    expect(await readFile(path.join(out, 'report.json'), 'utf8')).toBe('old');
    expect(await listing(out)).toEqual(['heatmap.html', 'report.json']);
  });

  it('refuses a name taken by a directory before any renderer runs: a renderer may act (draft-out.ts removes files)', async () => {
    const out = await fresh();
    await mkdir(path.join(out, 'taken.yaml'));
    let isRendered = false;
    const render = () => ((isRendered = true), 'x');
    const error = await failure(writeOutputs(out, [{ name: 'a.json', content: render }, { name: 'taken.yaml', content: 'x' }]));
    expect(error?.message).toBe(`${path.join(out, 'taken.yaml')}: is a directory; nothing was written`);
    expect(isRendered).toBe(false);
  });

  it('refuses a folder of --out that leads out of it through a symlink, and writes nothing there; one inside it is taken', async () => {
    const out = await fresh();
    const elsewhere = await fresh();
    await symlink(elsewhere, path.join(out, 'rejected'));
    const error = await failure(writeOutputs(out, [{ name: 'a.json', content: 'x' }, { name: 'rejected/T1529.yaml', content: 'x' }]));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${path.join(out, 'rejected')}: leads out of the output directory through a symlink; nothing was written`);
    expect((error as InputError).hint).toBe('remove the link, or choose another --out');
    expect([await listing(elsewhere), await listing(out)]).toEqual([[], ['rejected']]);
    // A link to a folder inside --out, and an --out that is itself reached through a link, are fine.
    await mkdir(path.join(out, 'real'));
    await symlink(path.join(out, 'real'), path.join(out, 'inner'));
    const linkedOut = path.join(await fresh(), 'out-link');
    await symlink(out, linkedOut);
    await writeOutputs(linkedOut, [{ name: 'inner/b.json', content: 'y' }]);
    expect(await readFile(path.join(out, 'real', 'b.json'), 'utf8')).toBe('y');
  });

  it('isReallyInside: a sibling whose name starts as --out\'s is outside it; a folder that does not resolve is not inside', async () => {
    const parent = await fresh();
    await mkdir(path.join(parent, 'out'));
    await mkdir(path.join(parent, 'out2'));
    await symlink(path.join(parent, 'out2'), path.join(parent, 'out', 'rejected'));
    expect(isReallyInside(path.join(parent, 'out'), path.join(parent, 'out', 'rejected'))).toBe(false);
    expect(isReallyInside(path.join(parent, 'out'), path.join(parent, 'out'))).toBe(true);
    expect(isReallyInside(path.join(parent, 'out'), path.join(parent, 'out', 'missing'))).toBe(false);
    // The root itself as --out: every folder is inside it.
    expect(isReallyInside('/', parent)).toBe(true);
  });
});

describe('replaceFileAtomically', () => {
  it('replaces the content, keeps the mode and leaves no temporary', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'old');
    await chmod(file, 0o640);
    await replaceFileAtomically(file, 'new', sha('old'));
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['rules.yaml']);
  });

  it('keeps the mode exactly, group and other write too, whatever the umask (writeFile\'s mode passes through it)', async () => {
    // The umask is read, not set: setting it is refused in worker threads (Stryker runs tests in them). Under the
    // usual 022 (CI's), 0o664 and 0o666 lose their write bits unless the rewrite sets the mode after creating the file.
    const dir = await fresh();
    for (const mode of [0o664, 0o666, 0o600, 0o777 & ~process.umask() | 0o022]) {
      const file = path.join(dir, `rules-${mode.toString(8)}.yaml`);
      await writeFile(file, 'old');
      await chmod(file, mode);
      await replaceFileAtomically(file, 'new', sha('old'));
      expect((await stat(file)).mode & 0o7777, mode.toString(8)).toBe(mode);
    }
  });

  it('keeps the owner and group: another user\'s file stays theirs when root rewrites it; the user\'s own stays theirs', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'old');
    await chmod(file, 0o664);
    // As root, the file of uid/gid 1000 (as lint --fix run with sudo in a user's checkout); as anyone else, their own.
    if (process.getuid?.() === 0) await chown(file, 1000, 1000);
    const before = await stat(file);
    await replaceFileAtomically(file, 'new', sha('old'));
    const after = await stat(file);
    expect(await readFile(file, 'utf8')).toBe('new');
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([before.uid, before.gid, 0o664]);
    if (process.getuid?.() === 0) expect([after.uid, after.gid]).toEqual([1000, 1000]);
  });

  it('refuses a file that changed since it was read, and leaves it as it is', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'edited by someone else');
    const error = await failure(replaceFileAtomically(file, 'fixed', sha('as read')));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${file}: changed on disk after attack-cov read it; not overwritten`);
    expect(error?.hint).toBe('run the command again');
    expect(await readFile(file, 'utf8')).toBe('edited by someone else');
  });

  it('rewrites the target of a symlink and keeps the link', async () => {
    const dir = await fresh();
    const target = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    await writeFile(target, 'old');
    await symlink('real.yaml', link);
    await replaceFileAtomically(link, 'new', sha('old'));
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real.yaml');
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('refuses a missing file and a read-only one (even as root), changing nothing', async () => {
    const dir = await fresh();
    const missing = await failure(replaceFileAtomically(path.join(dir, 'gone.yaml'), 'x', sha('')));
    expect(missing?.message).toBe(`${path.join(dir, 'gone.yaml')}: cannot resolve: ENOENT`);
    const file = path.join(dir, 'locked.yaml');
    await writeFile(file, 'old');
    await chmod(file, 0o444);
    const error = await failure(replaceFileAtomically(file, 'new', sha('old')));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${file}: is read-only; not changed`);
    expect(error?.hint).toBe('make it writable (chmod u+w) so that it can be rewritten');
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('says so when the temporary cannot be written (the longest name a filesystem allows), changing nothing', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'r'.repeat(255));
    await writeFile(file, 'old');
    const error = await failure(replaceFileAtomically(file, 'new', sha('old')));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${file}: cannot write: the name is too long`);
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('refuses a file this process may not write although its mode has write bits (another user\'s file; as root, an immutable one)', async () => {
    // Not root: /etc/passwd is root's, mode 644. Root may write any file by its mode, but not an immutable one
    // (chattr +i, the stand-in for a read-only mount): access(W_OK) says EPERM.
    let file = '/etc/passwd';
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      file = path.join(await fresh(), 'immutable.yaml');
      await writeFile(file, 'old');
      execFileSync('chattr', ['+i', file]);
    }
    try {
      expect((await stat(file)).mode & 0o200).toBe(0o200);
      const error = await failure(checkReplaceable(file));
      expect(error?.message).toBe(`${file}: is read-only; not changed`);
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', file]);
    }
  });

  it('checkReplaceable returns the real file behind a link, and accepts a file writable only by its group', async () => {
    const dir = await fresh();
    const target = path.join(dir, 'real.yaml');
    await writeFile(target, 'x');
    await chmod(target, 0o464);
    await symlink(target, path.join(dir, 'link.yaml'));
    expect(await checkReplaceable(path.join(dir, 'link.yaml'))).toBe(await realpath(target));
  });
});

describe('replaceFilesAtomically: every file checked and written beside itself before the first is replaced', () => {
  async function twoFiles() {
    const dir = await fresh();
    const [first, second] = [path.join(dir, 'first.yaml'), path.join(dir, 'second.yaml')];
    await writeFile(first, 'old 1');
    await writeFile(second, 'old 2');
    return { dir, first, second, both: [{ file: first, content: 'new 1', sha256: sha('old 1') }, { file: second, content: 'new 2', sha256: sha('old 2') }] };
  }

  it('replaces them all', async () => {
    const { dir, first, second, both } = await twoFiles();
    await replaceFilesAtomically(both);
    expect([await readFile(first, 'utf8'), await readFile(second, 'utf8')]).toEqual(['new 1', 'new 2']);
    expect(await readdir(dir)).toEqual(['first.yaml', 'second.yaml']);
  });

  it('changes none when the second is read-only, changed since read, or cannot take its temporary', async () => {
    const { dir, first, second, both } = await twoFiles();
    await chmod(second, 0o444);
    expect((await failure(replaceFilesAtomically(both)))?.message).toBe(`${second}: is read-only; not changed`);
    await chmod(second, 0o644);
    await writeFile(second, 'edited by someone else');
    expect((await failure(replaceFilesAtomically(both)))?.message).toBe(`${second}: changed on disk after attack-cov read it; not overwritten`);
    const long = path.join(dir, 'r'.repeat(255));
    await writeFile(long, 'old 2');
    expect((await failure(replaceFilesAtomically([both[0]!, { ...both[1]!, file: long }])))?.message).toBe(`${long}: cannot write: the name is too long`);
    expect(await readFile(first, 'utf8')).toBe('old 1');
    expect(await readdir(dir)).toEqual(['first.yaml', 'r'.repeat(255), 'second.yaml']);
  });

  it('names each file as it is shown (from the source root) when given, in every refusal (QA: suggest named the absolute path)', async () => {
    const { dir, second, both } = await twoFiles();
    const shown = [{ ...both[0]!, shown: 'rules/first.yaml' }, { ...both[1]!, shown: 'rules/second.yaml' }];
    await chmod(second, 0o444);
    expect((await failure(replaceFilesAtomically(shown)))?.message).toBe('rules/second.yaml: is read-only; not changed');
    await chmod(second, 0o644);
    await writeFile(second, 'edited by someone else');
    expect((await failure(replaceFilesAtomically(shown)))?.message).toBe('rules/second.yaml: changed on disk after attack-cov read it; not overwritten');
    const long = path.join(dir, 'r'.repeat(255));
    await writeFile(long, 'old 2');
    expect((await failure(replaceFilesAtomically([shown[0]!, { ...shown[1]!, file: long, sha256: sha('old 2') }])))?.message).toBe('rules/second.yaml: cannot write: the name is too long');
    expect((await failure(replaceFilesAtomically([{ ...shown[0]!, file: path.join(dir, 'gone.yaml') }])))?.message).toBe('rules/first.yaml: cannot resolve: ENOENT');
  });
});

describe('writeOutputs: large texts, written in slices of SLICE_CHARS characters', () => {
  const SLICE = SLICE_CHARS;

  it('never splits a surrogate pair at a slice boundary (U+10000 and U+10FFFF, the ends of the high range)', async () => {
    const out = await fresh();
    // Each pair's high half is the last character of a slice: at SLICE - 1, then at SLICE - 1 + SLICE - 1.
    const text = `${'a'.repeat(SLICE - 1)}\u{10000}${'b'.repeat(SLICE - 3)}\u{10FFFF}c`;
    const [file] = await writeOutputs(out, [{ name: 'big.txt', content: text }]);
    expect(await readFile(file!, 'utf8')).toBe(text);
  });

  it('sliceEnd ends a slice one character early only where it would split a surrogate pair', () => {
    expect(sliceEnd('abcdef', 0, 4)).toBe(4);
    expect(sliceEnd('abcdef', 4, 4)).toBe(6);
    expect(sliceEnd('abc\u{10000}def', 0, 4)).toBe(3); // the high half U+D800 would end the slice
    expect(sliceEnd('abc\u{10FFFF}def', 0, 4)).toBe(3); // the high half U+DBFF
    expect(sliceEnd('ab\u{10000}def', 0, 4)).toBe(4); // the pair ends inside the slice: U+DC00 ends it
    expect(sliceEnd('abc\uD7FFdef', 0, 4)).toBe(4); // just below the high range
    expect(sliceEnd('abc\uDC00def', 0, 4)).toBe(4); // just above it (a low half)
    expect(sliceEnd('abc\uD800', 0, 4)).toBe(4); // a lone high half at the very end has nothing to keep it with
  });

  it('writes a text ending in a lone high surrogate, and one ending in a pair, once each', async () => {
    const out = await fresh();
    const written = await writeOutputs(out, [{ name: 'lone.txt', content: 'x\uD800' }, { name: 'pair.txt', content: 'x😀' }]);
    expect(await readFile(written[0]!)).toEqual(Buffer.from([0x78, 0xef, 0xbf, 0xbd]));
    expect(await readFile(written[1]!, 'utf8')).toBe('x😀');
  });

  it('gathers rendered pieces into slices, redacting each slice, also a secret split across small pieces', async () => {
    const out = await fresh();
    registerSecret('sk-pieces-secret-5678');
    const pieces = ['start sk-pieces-', 'secret-5678 ', 'x'.repeat(SLICE), 'y'.repeat(SLICE / 2), ' sk-pieces-secret-5678 end'];
    const [file] = await writeOutputs(out, [{ name: 'report.json', content: () => pieces }]);
    expect(await readFile(file!, 'utf8')).toBe(`start [redacted] ${'x'.repeat(SLICE)}${'y'.repeat(SLICE / 2)} [redacted] end`);
  });

  it('writes each slice as soon as the rendered pieces fill it, not at the end', async () => {
    const out = await fresh();
    const onDisk = () => readdirSync(out).filter((n) => n.endsWith('.tmp')).map((n) => statSync(path.join(out, n)).size);
    const seen: number[][] = [];
    // Small pieces (below LARGE_PIECE_CHARS) are gathered: as many of LARGE_PIECE_CHARS - 1 as fit, and one of the
    // rest, fill a slice exactly.
    const small = LARGE_PIECE_CHARS - 1;
    const count = Math.floor(SLICE / small);
    const rest = SLICE - count * small;
    expect(rest).toBeGreaterThan(0);
    function* render() {
      for (let i = 0; i < count; i++) yield 'x'.repeat(small);
      seen.push(onDisk());
      yield 'x'.repeat(rest);
      seen.push(onDisk());
      yield 'end';
    }
    const [file] = await writeOutputs(out, [{ name: 'report.json', content: render }]);
    expect(seen).toEqual([[0], [SLICE]]);
    expect((await stat(file!)).size).toBe(SLICE + 3);
  });

  it('writes a large piece at once, after the small ones gathered before it, without joining them', async () => {
    const out = await fresh();
    const short = Math.min(SLICE, LARGE_PIECE_CHARS) - 100;
    const onDisk = () => readdirSync(out).filter((n) => n.endsWith('.tmp')).map((n) => statSync(path.join(out, n)).size);
    const seen: number[][] = [];
    function* render() {
      yield 'head ';
      seen.push(onDisk());
      // Gathered with the head: a small piece, and together still short of a slice.
      yield 'y'.repeat(short);
      seen.push(onDisk());
      yield 'z'.repeat(LARGE_PIECE_CHARS);
      seen.push(onDisk());
      yield ' tail';
    }
    const [file] = await writeOutputs(out, [{ name: 'report.json', content: render }]);
    expect(seen).toEqual([[0], [0], [5 + short + LARGE_PIECE_CHARS]]);
    expect(await readFile(file!, 'utf8')).toBe(`head ${'y'.repeat(short)}${'z'.repeat(LARGE_PIECE_CHARS)} tail`);
  });

  it('writes the small pieces left at the end as they were rendered, one after another', async () => {
    const out = await fresh();
    const [file] = await writeOutputs(out, [{ name: 'report.json', content: () => ['{', '"a": ', '1}\n'] }]);
    expect(await readFile(file!, 'utf8')).toBe('{"a": 1}\n');
  });

  it('closes each file it writes', async () => {
    const out = await fresh();
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    await writeOutputs(out, [{ name: 'a.txt', content: 'a' }, { name: 'b.txt', content: () => ['b'] }]);
    expect(await open()).toBe(before);
  });

  it('says so when a temporary is gone at its rename (a later renderer removed it), leaving --out unchanged', async () => {
    const out = await fresh();
    const removeTemporaries = () => {
      for (const name of readdirSync(out)) if (name.endsWith('.tmp')) rmSync(path.join(out, name));
      return 'b';
    };
    const error = await failure(writeOutputs(out, [{ name: 'a.json', content: 'a' }, { name: 'b.json', content: removeTemporaries }]));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${path.join(out, 'a.json')}: cannot write: no such file or directory`);
    expect(await listing(out)).toEqual([]);
  });
});
