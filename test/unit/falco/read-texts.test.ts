// readRulesTexts and its helpers: the rules files lint --fix, suggest --apply and validate read as text
// (byte-order mark kept apart, where a file stops being UTF-8, the embedded official files read-only),
// tested here in-process (the CLI tests drive dist/, which a mutant never reaches).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../../src/errors.js';
import { checkRewritable, readRulesTexts, rulesFileContent, rulesetFromTexts, withoutBom, type RulesText } from '../../../src/falco/load.js';
import { rejection } from '../../helpers/errors.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

const RULE = '- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n';
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A fresh folder holding `files` (name → bytes). */
async function folderWith(files: Record<string, Buffer | string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-texts-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);
  return dir;
}

describe('readRulesTexts: what a rewriting command reads', () => {
  it('reads a UTF-8 file as it is: resolved path, shown path, text, sha256 of its bytes, and no other key', async () => {
    const dir = await folderWith({ 'r.yaml': RULE });
    expect(await readRulesTexts([path.join(dir, 'r.yaml')], dir)).toEqual([{ file: path.join(dir, 'r.yaml'), path: 'r.yaml', text: RULE, sha256: sha256(RULE) }]);
  });

  it('keeps a byte-order mark apart from the text (hasBom), hashing the bytes as read', async () => {
    const bytes = `\uFEFF${RULE}`;
    const dir = await folderWith({ 'bom.yaml': bytes });
    const [file] = await readRulesTexts([path.join(dir, 'bom.yaml')], dir);
    expect(file).toEqual({ file: path.join(dir, 'bom.yaml'), path: 'bom.yaml', text: RULE, sha256: sha256(bytes), hasBom: true });
  });

  it('says where a file stops being UTF-8 (line, and column in characters), and still reads it', async () => {
    // Line 2: "- rule: Café " is 13 characters (14 bytes) before the Latin-1 byte 0xe9.
    const bytes = Buffer.concat([Buffer.from('# é\n- rule: Café ', 'utf8'), Buffer.from([0xe9]), Buffer.from('\n', 'utf8')]);
    const dir = await folderWith({ 'latin1.yaml': bytes });
    const [file] = await readRulesTexts([path.join(dir, 'latin1.yaml')], dir);
    expect(file).toEqual({ file: path.join(dir, 'latin1.yaml'), path: 'latin1.yaml', text: '# é\n- rule: Café \uFFFD\n', sha256: sha256(bytes), notUtf8At: 'latin1.yaml:2:14' });
  });

  it('counts from the first line and the first column when the first byte is not UTF-8', async () => {
    const dir = await folderWith({ 'x.yaml': Buffer.from([0xff, 0x0a]) });
    expect((await readRulesTexts([path.join(dir, 'x.yaml')], dir))[0]!.notUtf8At).toBe('x.yaml:1:1');
  });

  it('reads a folder\'s *.yaml files in name order, named relative to the root', async () => {
    // Written in reverse name order, so that a listing in creation order is not already sorted.
    const dir = await folderWith({ 'c.yml': RULE, 'b.yaml': RULE, 'notes.txt': 'no rules', 'a.yaml': RULE });
    expect((await readRulesTexts([dir], path.dirname(dir))).map((t) => t.path)).toEqual(['a.yaml', 'b.yaml', 'c.yml'].map((n) => `${path.basename(dir)}/${n}`));
  });

  it('refuses an empty path, a missing one, and paths that hold no *.yaml file, each with a hint', async () => {
    const empty = await rejection(readRulesTexts(['  '], repoRoot), UsageError);
    expect(empty.message).toBe('an empty rules path (""): it would name the working directory');
    expect(empty.hint).toBe('name rules files or directories, or official, official:all');
    const missing = await rejection(readRulesTexts(['/nonexistent/r.yaml'], repoRoot), InputError);
    expect([missing.message, missing.hint]).toEqual(['/nonexistent/r.yaml: no such file or directory', 'pass Falco rules files or directories, or official, official:all']);
    const dir = await folderWith({ 'notes.txt': 'no rules' });
    // Each path given must hold rules files, as for report: the first that holds none is named.
    const none = await rejection(readRulesTexts([dir, dir], repoRoot), InputError);
    expect([none.message, none.hint]).toEqual([`${dir}: no *.yaml rules files found`, 'pass Falco rules files, or directories holding them']);
    const beside = await rejection(readRulesTexts([fixture('rules', 'conventional.yaml'), dir], repoRoot), InputError);
    expect(beside.message).toBe(`${dir}: no *.yaml rules files found`);
    // No path at all: nothing read, and said so.
    expect((await rejection(readRulesTexts([], repoRoot), InputError)).message).toBe(': no *.yaml rules files found');
  });
});

describe('readRulesTexts with isOncePerFile: what lint --fix and suggest --apply rewrite', () => {
  it('reads a file named twice (as given, again by another spelling, through a symlink, in its folder) once, where first named', async () => {
    const dir = await folderWith({ 'a.yaml': RULE, 'b.yaml': RULE });
    await symlink('a.yaml', path.join(dir, 'link.yaml'));
    const given = [path.join(dir, 'a.yaml'), `${dir}/./a.yaml`, path.join(dir, 'link.yaml'), dir];
    const once = await readRulesTexts(given, dir, { isOncePerFile: true });
    expect(once.map((t) => t.path)).toEqual(['a.yaml', 'b.yaml']);
    // Rules loaded from the other names are this text's (suggest --apply writes theirs into it).
    expect(once.map((t) => t.otherPaths)).toEqual([['link.yaml'], undefined]);
    // Without it, each naming is read (as Falco loads a file named twice twice).
    expect((await readRulesTexts(given, dir)).map((t) => t.path)).toEqual(['a.yaml', 'a.yaml', 'link.yaml', 'a.yaml', 'b.yaml', 'link.yaml']);
  });
});

describe('readRulesTexts: the embedded official rules', () => {
  it('reads them, marked as embedded (the fixers read them for what the user\'s files need, and never rewrite them)', async () => {
    const texts = await readRulesTexts(['official:all'], repoRoot);
    expect(texts.map((t) => t.path)).toEqual(['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((n) => `official:${n}@c72713e`));
    expect(texts.every((t) => t.isEmbedded === true)).toBe(true);
    expect(texts[0]!.text).toMatch(/^# SPDX-License-Identifier: Apache-2.0/);
  });

  it('marks only them, named beside a file of the user\'s', async () => {
    const texts = await readRulesTexts([fixture('rules', 'base.yaml'), 'official'], repoRoot);
    expect(texts.map((t) => [t.path.replace(/^.*\//, ''), t.isEmbedded])).toEqual([['base.yaml', undefined], ['official:falco_rules.yaml@c72713e', true]]);
  });

  it('refuses another tag: only the embedded copy can be read as text', async () => {
    const error = await rejection(readRulesTexts(['official@falco-rules-9.9.9'], repoRoot), UsageError);
    expect([error.message, error.hint]).toEqual(['official@falco-rules-9.9.9: only the embedded official rules can be read here, not another tag', 'download them with report --rules first, or name the files']);
  });
});

describe('the byte-order mark and rewriting', () => {
  const text = (extra: Partial<RulesText> = {}): RulesText => ({ file: '/r.yaml', path: 'r.yaml', text: RULE, sha256: '', ...extra });

  it('withoutBom drops a leading mark only', () => {
    expect(withoutBom(`\uFEFF${RULE}`)).toBe(RULE);
    expect(withoutBom(`${RULE}\uFEFF`)).toBe(`${RULE}\uFEFF`);
  });

  it('rulesFileContent writes the mark back only where the file had one', () => {
    expect(rulesFileContent(text({ hasBom: true }), 'new')).toBe('\uFEFFnew');
    expect(rulesFileContent(text(), 'new')).toBe('new');
  });

  it('checkRewritable refuses a file that is not UTF-8, where it stops being, and lets others through', async () => {
    expect(() => checkRewritable(text())).not.toThrow();
    const error = await rejection((async () => checkRewritable(text({ notUtf8At: 'r.yaml:2:14' })))(), InputError);
    expect([error.message, error.hint]).toEqual(['r.yaml:2:14: not UTF-8; attack-cov rewrites only UTF-8 rules files (Falco reads UTF-8)', 'convert it first, e.g. iconv -f latin1 -t utf-8']);
  });
});

describe('rulesetFromTexts', () => {
  it('names each file by its sha256 and keeps its ignore comments', () => {
    const text = `${RULE}  # attack-cov-ignore missing-tactic: not a technique\n`;
    const ruleset = rulesetFromTexts([{ path: 'r.yaml', text }]);
    expect(ruleset.files).toEqual([{ path: 'r.yaml', sha256: sha256(text) }]);
    expect(ruleset.ignoreComments).toHaveLength(1);
  });
});
