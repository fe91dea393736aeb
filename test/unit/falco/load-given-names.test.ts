// How loadRules and readRulesTexts name a --rules file outside the source root in an error: by the path as given
// (the file itself, or the directory given with the file's path in it), never by the base name outputs use; and where
// an official@<ref> copy came from when `cache add` stored it rather than a download.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadRules, officialRulesCachePath, readRulesTexts } from '../../../src/falco/load.js';
import { rejection } from '../../helpers/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';

/** A working directory holding `root/` (the source root) and `outside/` (not under it), each with a rules file whose
 * second item is not YAML (a flow list left open, reported where it opens: line 7, column 9), and `unreadable/` (not under the
 * root either) holding a rules file of 2,000 bytes (more than the tests' limit below). */
async function workspace(): Promise<{ cwd: string; root: string }> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-given-'));
  const bad = '- rule: A\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n- rule: B\n  desc: [unclosed\n';
  for (const dir of ['root', 'outside']) {
    await mkdir(path.join(cwd, dir));
    await writeFile(path.join(cwd, dir, 'bad.yaml'), bad);
  }
  await mkdir(path.join(cwd, 'unreadable'));
  await writeFile(path.join(cwd, 'unreadable', 'sub.yaml'), `# ${'x'.repeat(2000)}\n`);
  return { cwd, root: path.join(cwd, 'root') };
}

/** The location and the rest of the InputError loading `given` fails with. */
async function failure(given: string, { cwd, root }: { cwd: string; root: string }): Promise<[string, string]> {
  const error = await rejection(loadRules([given], { cacheRoot: '/nonexistent', cwd, sourceRoot: root }), InputError);
  return [error.location, error.message.slice(error.location.length)];
}

describe('errors about a file outside the source root', () => {
  it('name the file as given, or the directory given with the file in it; the reason stays', async () => {
    const ws = await workspace();
    const reason = (await failure('root/bad.yaml', ws))[1];
    expect(reason).toMatch(/^: /);
    expect(await failure('./outside/bad.yaml', ws)).toEqual(['./outside/bad.yaml:7:9', reason]);
    expect(await failure(path.join(ws.cwd, 'outside', 'bad.yaml'), ws)).toEqual([`${path.join(ws.cwd, 'outside', 'bad.yaml')}:7:9`, reason]);
    expect(await failure('./outside/', ws)).toEqual(['outside/bad.yaml:7:9', reason]);
  });

  it('inside the root, the file is named from the root, however it was given', async () => {
    const ws = await workspace();
    expect((await failure('./root/../root/bad.yaml', ws))[0]).toBe('bad.yaml:7:9');
  });

  it('readRulesTexts names them the same way', async () => {
    const ws = await workspace();
    const given = path.join(ws.cwd, 'unreadable');
    // (A folder named sub.yaml was the unreadable entry; a rules directory's folders are passed over now, as Falco does.)
    limits.maxRulesBytes = 1000;
    try {
      const error = await rejection(readRulesTexts([given], ws.root), InputError);
      const file = path.join(given, 'sub.yaml');
      expect([error.location, error.message]).toEqual([file, `${file}: is 2003 bytes, which is more than the 1000 bytes a rules file may have`]);
    } finally {
      limits.maxRulesBytes = DEFAULT_LIMITS.maxRulesBytes;
    }
  });
});

describe('errors found when the ruleset is built', () => {
  // Its second item appends to a macro no file defines: buildRuleset refuses it at line 6, column 3.
  const APPEND = '- rule: A\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n- macro: m\n  condition: and proc.name = x\n  append: true\n';
  const REASON = ': macro "m" is appended to before it is defined';

  it('name a file outside the root as given, one inside from the root', async () => {
    const ws = await workspace();
    await writeFile(path.join(ws.cwd, 'outside', 'append.yaml'), APPEND);
    await writeFile(path.join(ws.root, 'append.yaml'), APPEND);
    expect(await failure('./outside/append.yaml', ws)).toEqual(['./outside/append.yaml:6:3', REASON]);
    expect(await failure('root/append.yaml', ws)).toEqual(['append.yaml:6:3', REASON]);
    // Both are shown as append.yaml: the error keeps that name, as it cannot tell which one it is about.
    for (const given of [['root/append.yaml', './outside/append.yaml'], ['./outside/append.yaml', 'root/append.yaml']]) {
      const error = await rejection(loadRules(given, { cacheRoot: '/nonexistent', cwd: ws.cwd, sourceRoot: ws.root }), InputError);
      expect(error.location, given.join(' ')).toBe('append.yaml:6:3');
    }
  });

  it('name only the file an error is about: not another whose name begins the same', async () => {
    const ws = await workspace();
    await writeFile(path.join(ws.cwd, 'outside', 'append.yaml'), APPEND.slice(0, APPEND.indexOf('- macro')));
    await writeFile(path.join(ws.cwd, 'outside', 'append.yaml.yaml'), APPEND);
    const error = await rejection(loadRules(['./outside/append.yaml', './outside/append.yaml.yaml'], { cacheRoot: '/nonexistent', cwd: ws.cwd, sourceRoot: ws.root }), InputError);
    expect(error.location).toBe('./outside/append.yaml.yaml:6:3');
  });
});

describe('official@<ref> from the cache', () => {
  const REF = 'falco-rules-7.7.7';
  const RULE = '- rule: Stored\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n';

  it('says `cache add` stored a copy it stored, and names the download URL of any other', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-'));
    const slot = officialRulesCachePath(cacheRoot, REF, 'falco_rules.yaml');
    await mkdir(path.dirname(slot), { recursive: true });
    await writeFile(slot, RULE);
    await writeFile(`${slot}.source`, 'cache add: mine.yaml\n');
    const stored = await loadRules([`official@${REF}`], { cacheRoot, cwd: cacheRoot });
    expect(stored.ruleset.files).toEqual([expect.objectContaining({ path: `official:falco_rules.yaml@${REF}`, note: 'stored by cache add: mine.yaml' })]);
    expect(stored.ruleset.files[0]).not.toHaveProperty('url');
    await writeFile(`${slot}.source`, 'https://example.org/falco_rules.yaml\n');
    const downloaded = await loadRules([`official@${REF}`], { cacheRoot, cwd: cacheRoot });
    expect(downloaded.ruleset.files[0]).toHaveProperty('url');
    expect(downloaded.ruleset.files[0]).not.toHaveProperty('note');
  });

  /** A cache whose official@REF slot holds `stored` (none when undefined) with a `cache add` record beside it, and a
   * file:// mirror of RULE that ATTACK_COV_FALCO_RULES_MIRROR points at (the test deletes the variable). */
  async function withMirror(stored: string | undefined): Promise<{ cacheRoot: string; mirror: string }> {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-'));
    const slot = officialRulesCachePath(cacheRoot, REF, 'falco_rules.yaml');
    await mkdir(path.dirname(slot), { recursive: true });
    if (stored !== undefined) await writeFile(slot, stored);
    await writeFile(`${slot}.source`, 'cache add: mine.yaml\n');
    const mirror = path.join(cacheRoot, 'mirror');
    await mkdir(path.join(mirror, REF), { recursive: true });
    await writeFile(path.join(mirror, REF, 'falco_rules.yaml'), RULE);
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = `file://${mirror}/{tag}/{file}`;
    return { cacheRoot, mirror };
  }

  it('does not say `cache add` stored a copy downloaded where only its record was left (the copy deleted by hand)', async () => {
    const { cacheRoot } = await withMirror(undefined);
    try {
      for (const run of ['downloads', 'reads it from the cache']) {
        const { ruleset } = await loadRules([`official@${REF}`], { cacheRoot, cwd: cacheRoot });
        expect(ruleset.files[0], run).toHaveProperty('url');
        expect(ruleset.files[0], run).not.toHaveProperty('note');
      }
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });

  it('names the download URL of a copy fetched again in place of a stored one that no longer parses', async () => {
    const { cacheRoot, mirror } = await withMirror('not: a rules list\n');
    try {
      const fetched = await loadRules([`official@${REF}`], { cacheRoot, cwd: cacheRoot });
      expect(fetched.ruleset.rules.map((r) => r.name)).toEqual(['Stored']);
      expect(fetched.ruleset.files).toEqual([expect.objectContaining({ url: `file://${mirror}/${REF}/falco_rules.yaml` })]);
      expect(fetched.ruleset.files[0]).not.toHaveProperty('note');
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });
});

describe('readRulesTexts', () => {
  it('refuses no path at all (every command names at least one)', async () => {
    const error = await rejection(readRulesTexts([], process.cwd()), InputError);
    expect([error.message, error.hint]).toEqual([': no *.yaml rules files found', 'pass Falco rules files, or directories holding them']);
  });
});
