// The warm path for a whole ruleset: the same files (names and bytes) give, from one cached entry, a ruleset
// strictly equal to the one built from their items; the entry is written only once every file came from its
// own entry (seen before); a changed byte, name or order misses; a corrupt or misshapen entry is rebuilt and
// rewritten; a build that fails stores nothing; a hit parses no file; and the stored form is pinned to
// RULESET_FORMAT so a change without a bump fails here. Beside it, the outline (what `report` reads: no rule
// text, macro or list): stored with the ruleset, or from it when only the ruleset is there; read alone it equals
// the outline of the built ruleset and needs neither the ruleset's entry nor the files'.
import { readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { deserialize, serialize } from 'node:v8';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTLINE_KIND, RULESET_FORMAT, RULESET_KIND, cachedRuleset, cachedRulesetOutline, compactOutline, compactRuleset, expandOutline, expandRuleset, rulesetKey } from '../../../src/falco/ruleset-cache.js';
import { loadRules, loadRulesOutline, rulesetFromTexts } from '../../../src/falco/load.js';
import { decodeEntry, encodeEntry, entryName, flushParseCache, type ParseCache } from '../../../src/parse-cache.js';
import type { Ruleset, RulesetOutline } from '../../../src/falco/types.js';
import { contentHash, outlineOf } from '../../helpers/fingerprint.js';
import { OFFICIAL_RULES, embedded, fixture, repoRoot } from '../../helpers/paths.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-ruleset-cache-'));
const newCache = async (): Promise<ParseCache> => ({ prebuilt: [], dir: await tempDir() });
/** The same store, its writes held in `pending` (as a run's are until it succeeds): what a run stores is listed there. */
const deferring = (cache: ParseCache): ParseCache => ({ prebuilt: [], dir: cache.dir, pending: [] });
const entries = (cache: ParseCache, kind: string) => readdir(path.join(cache.dir!, kind)).catch(() => [] as string[]);

/** Rules files with overrides, appends, disabled rules, ignore comments and macros/lists with sources. */
const FILES = [...OFFICIAL_RULES, embedded('falco-plugins', 'k8s_audit_rules.yaml'), ...['base.yaml', 'override.yaml', 'suppressed.yaml', 'macro-source.yaml'].map((f) => fixture('rules', f))];

async function copies(dir: string): Promise<string[]> {
  return Promise.all(FILES.map(async (file, i) => {
    const copy = path.join(dir, `${i}-${path.basename(file)}`);
    await copyFile(file, copy);
    return copy;
  }));
}

const load = (files: string[], cache?: ParseCache, root?: string) => loadRules(files, { cacheRoot: root ?? os.tmpdir(), sourceRoot: root, parseCache: cache }).then((r) => r.ruleset);
const loadOutline = (files: string[], cache?: ParseCache, root?: string) => loadRulesOutline(files, { cacheRoot: root ?? os.tmpdir(), sourceRoot: root, parseCache: cache }).then((r) => r.ruleset);

/** Copies of FILES in a folder of their own, and a cache in which `read` has seen them twice: their entries
 * are there, and the ruleset (with its outline when `read` asks for it). */
async function seenTwice(read: typeof load | typeof loadOutline = load) {
  const dir = await tempDir();
  const files = await copies(dir);
  const cache = await newCache();
  await read(files, cache, dir);
  await read(files, cache, dir);
  return { dir, files, cache };
}

/** The outline of a ruleset, field by field (independent of compactOutline). */
function outlineOfRuleset(ruleset: RulesetOutline): RulesetOutline {
  const rules = ruleset.rules.map(({ name, position, priority, source, isEnabled, tags, modifiedAt, skipsUnknownFilter }) => ({ name, position, priority, source, isEnabled, tags, modifiedAt, ...(skipsUnknownFilter ? { skipsUnknownFilter } : {}) }));
  return { files: ruleset.files, rules, ignoreComments: ruleset.ignoreComments };
}

describe('cachedRuleset', () => {
  it('stores the ruleset once its files were seen before, and gives back from it a ruleset strictly equal to the built one', async () => {
    const dir = await tempDir();
    const files = await copies(dir);
    const cache = await newCache();
    const fresh = await load(files, undefined, dir);
    const cold = await load(files, cache, dir);
    // A first sighting stores the files' entries only.
    expect(await entries(cache, 'ruleset')).toEqual([]);
    expect(await entries(cache, 'rules')).toHaveLength(FILES.length);
    const second = await load(files, cache, dir);
    expect(await entries(cache, 'ruleset')).toHaveLength(1);
    const warm = await load(files, cache, dir);
    expect(warm).not.toBe(second);
    expect(warm).toStrictEqual(fresh);
    expect(second).toStrictEqual(fresh);
    expect(cold).toStrictEqual(fresh);
    // What the fixtures are here to prove made it through: overrides, disabled rules, ignore comments, macro sources.
    expect(warm.rules.some((r) => r.modifiedAt.length > 0)).toBe(true);
    expect(warm.rules.some((r) => !r.isEnabled)).toBe(true);
    expect(warm.ignoreComments!.length).toBeGreaterThan(0);
    expect([...warm.macros.values()].some((m) => m.source !== undefined)).toBe(true);
    expect([...warm.macros.values()].some((m) => 'source' in m && m.source === undefined)).toBe(true);
  });

  it('parses no file on a hit: the per-file entries are not even read', async () => {
    const { dir, files, cache } = await seenTwice();
    await rm(path.join(cache.dir!, 'rules'), { recursive: true });
    const cacheWithoutWrites: ParseCache = deferring(cache);
    await load(files, cacheWithoutWrites, dir);
    expect(cacheWithoutWrites.pending).toEqual([]);
  });

  it('misses when a byte, a name or the order changes; the unchanged files come from their own entries', async () => {
    const { dir, files, cache } = await seenTwice();
    const last = files.at(-1)!;
    await writeFile(last, `${readFileSync(last, 'utf8')}\n# one more line\n`);
    const pending: ParseCache = deferring(cache);
    const changed = await load(files, pending, dir);
    expect(changed).toStrictEqual(await load(files, undefined, dir));
    // The changed file parsed and stored; the others read from their entries; no ruleset entry for a first sighting.
    expect(pending.pending!.map((p) => p.kind.name)).toEqual(['rules']);
    flushParseCache(pending);
    const again: ParseCache = deferring(cache);
    await load(files, again, dir);
    expect(again.pending!.map((p) => p.kind.name)).toEqual(['ruleset']);
    // Every file seen before, in another order: another ruleset.
    const reordered = [files[0]!, files[2]!, files[1]!, ...files.slice(3)];
    const other: ParseCache = deferring(cache);
    expect(await load(reordered, other, dir)).toStrictEqual(await load(reordered, undefined, dir));
    expect(other.pending!.map((p) => p.kind.name)).toEqual(['ruleset']);
    // Asked for the outline, a build from files all seen before stores both.
    const both: ParseCache = deferring(cache);
    await loadOutline([files[1]!, files[0]!, ...files.slice(2)], both, dir);
    expect(both.pending!.map((p) => p.kind.name)).toEqual(['ruleset', 'ruleset-outline']);
    // Named otherwise (another source root): every file is new.
    const renamedRoot: ParseCache = deferring(cache);
    await load(files, renamedRoot, path.dirname(dir));
    expect(renamedRoot.pending!.map((p) => p.kind.name)).toEqual(FILES.map(() => 'rules'));
  });

  it('reads a corrupt or misshapen entry as a miss: the ruleset is built again and the entry rewritten', async () => {
    const dir = await tempDir();
    const files = await copies(dir);
    const cache = await newCache();
    await load(files, cache, dir);
    const fresh = await load(files, cache, dir);
    const [name] = await entries(cache, 'ruleset');
    const file = path.join(cache.dir!, 'ruleset', name!);
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100]! ^= 0xff;
    writeFileSync(file, flipped);
    expect(await load(files, cache, dir)).toStrictEqual(fresh);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    // Well-formed entries (their checksum right) holding something else are no more trusted than a corrupt one.
    const key = JSON.parse(bytes.toString('utf8').split('\n')[1]!).key as string;
    const good = compactRuleset(fresh) as unknown as Record<string, unknown[]>;
    const rule = good.rules![0] as unknown[];
    const wrongs: unknown[] = [
      null,
      [],
      { ...good, names: [1] },
      { ...good, rules: [[...rule.slice(0, 13)]] },
      { ...good, rules: [[rule[0], 99, ...rule.slice(2)]] },
      { ...good, rules: [[rule[0], rule[1], -1, ...rule.slice(3)]] },
      { ...good, rules: [[...rule.slice(0, 9), 'yes', ...rule.slice(10)]] },
      { ...good, rules: [[...rule.slice(0, 10), ['T1059', 0, 1], ...rule.slice(11)]] },
      { ...good, rules: [[...rule.slice(0, 11), [0, 1], ...rule.slice(12)]] },
      { ...good, rules: [[...rule.slice(0, 12), [0, 1], rule[13]]] },
      { ...good, macros: [['m', 0, 1, 1, 'c', 7, []]] },
      { ...good, lists: [['l', 0, 1, 1, [1]]] },
      { ...good, ignores: [{ file: 'a', line: 1, column: 1, targetLine: 2, codes: 'x', reason: '' }] },
    ];
    for (const wrong of wrongs) {
      writeFileSync(file, encodeEntry(RULESET_KIND, key, wrong));
      expect(await load(files, cache, dir)).toStrictEqual(fresh);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    }
  });

  it('expands what it compacts, and nothing else', () => {
    const ruleset = rulesetFromTexts(FILES.map((f) => ({ path: path.basename(f), text: readFileSync(f, 'utf8') })));
    expect(expandRuleset(JSON.parse(JSON.stringify(compactRuleset(ruleset))), ruleset.files)).toStrictEqual(ruleset);
    expect(expandRuleset(undefined, ruleset.files)).toBeUndefined();
    expect(expandRuleset({}, ruleset.files)).toBeUndefined();
  });

  it('refuses every field that is not what compactRuleset writes, one at a time', () => {
    const at = (line: number) => ({ file: 'a.yaml', line, column: 3 });
    const ruleset: Ruleset = {
      files: [{ path: 'a.yaml', sha256: '0'.repeat(64) }],
      rules: [
        { name: 'r', position: at(1), condition: 'c', output: 'o', desc: 'd', priority: 'INFO', source: 'syscall', isEnabled: false, tags: [{ value: 'T1059', ...at(2), endColumn: 8 }, { value: '*x', ...at(3), endColumn: undefined }], modifiedAt: [at(9)], conditionAt: at(3) },
        // Exceptions of every shape (one field with in, fields with comps, nested values), and skip-if-unknown-filter.
        {
          name: 'x', position: at(10), condition: 'c', output: 'o', desc: 'd', priority: 'INFO', source: 'syscall', isEnabled: true, tags: [], modifiedAt: [],
          exceptions: [
            { name: 'one', fields: 'proc.name', comps: 'in', values: ['a', 'b'], position: at(11) },
            { name: 'two', fields: ['proc.name', 'fd.name'], values: [['a', ['/x', '/y']]], position: at(12) },
          ],
          skipsUnknownFilter: true,
        },
      ],
      macros: new Map([['m', { name: 'm', position: at(5), condition: 'x', source: undefined }]]),
      lists: new Map([['l', { name: 'l', position: at(7), items: ['a'] }]]),
      ignoreComments: [{ file: 'a.yaml', line: 8, column: 1, targetLine: 9, codes: ['untagged-rule'], reason: 'why' }],
    };
    const good = (): Record<string, unknown[]> => JSON.parse(JSON.stringify(compactRuleset(ruleset))) as Record<string, unknown[]>;
    // The good form first: no outputAt, no macro position or source, a disabled rule, all as they were.
    expect(expandRuleset(good(), ruleset.files)).toStrictEqual(ruleset);
    const rule = (change: (row: unknown[]) => void) => (stored: Record<string, unknown[]>) => change(stored.rules![0] as unknown[]);
    const corruptions: [string, (stored: Record<string, unknown[]>) => void][] = [
      ['a file name that is no string', (g) => g.names!.push(1)],
      ['an ignore comment that is no object', (g) => g.ignores!.push('x')],
      ...(['file', 'line', 'column', 'targetLine', 'codes', 'reason'] as const).map((key): [string, (g: Record<string, unknown[]>) => void] => [`an ignore comment's ${key}`, (g) => ((g.ignores![0] as Record<string, unknown>)[key] = key === 'codes' ? ['a', 1] : key === 'file' || key === 'reason' ? 2 : -1)]),
      ['a rule row one too long', rule((r) => r.push(0))],
      ['a position past the file names', rule((r) => (r[1] = 1))],
      ['a negative file index', rule((r) => (r[1] = -1))],
      ['a fractional file index', rule((r) => (r[1] = 0.5))],
      ['a line that is no count', rule((r) => (r[2] = 1.5))],
      ['a column that is no count', rule((r) => (r[3] = '3'))],
      ...[0, 4, 5, 6, 7, 8].map((i): [string, (g: Record<string, unknown[]>) => void] => [`rule field ${i} not a string`, rule((r) => (r[i] = 0))]),
      ['isEnabled not a boolean', rule((r) => (r[9] = 'false'))],
      ...[1, 2, 3, 4].map((extra): [string, (g: Record<string, unknown[]>) => void] => [`a tag list ${extra} too long`, rule((r) => (r[10] as unknown[]).push(...['T1', 0, 1, 1].slice(0, extra)))]),
      ['a tag end column that is no count', rule((r) => ((r[10] as unknown[])[4] = -1))],
      ['a tag end column at its column', rule((r) => ((r[10] as unknown[])[4] = (r[10] as unknown[])[3]))],
      ['a tag end column before its column', rule((r) => ((r[10] as unknown[])[4] = 1))],
      ['a tag end column that is no number', rule((r) => ((r[10] as unknown[])[4] = '8'))],
      ['a modifiedAt list 2 too long', rule((r) => (r[11] as unknown[]).push(0, 1))],
      ['a tag that is no string', rule((r) => ((r[10] as unknown[])[0] = 7))],
      ['a modifiedAt list of a wrong length', rule((r) => (r[11] as unknown[]).push(0))],
      ['a conditionAt of four numbers', rule((r) => (r[12] as unknown[]).push(1))],
      ['an outputAt of two numbers', rule((r) => (r[13] = [0, 1]))],
      ['a macro row one too long', (g) => (g.macros![0] as unknown[]).push(0)],
      ['a macro name that is no string', (g) => ((g.macros![0] as unknown[])[0] = 1)],
      ['a macro condition that is no string', (g) => ((g.macros![0] as unknown[])[4] = null)],
      ['a macro source that is neither string nor null', (g) => ((g.macros![0] as unknown[])[5] = 0)],
      ['a list row one too long', (g) => (g.lists![0] as unknown[]).push(0)],
      ['a list name that is no string', (g) => ((g.lists![0] as unknown[])[0] = 1)],
      ['a list item that is no string', (g) => ((g.lists![0] as unknown[])[4] as unknown[]).push(1)],
      ['no rules', (g) => delete g.rules],
      ['a rule named twice', (g) => g.rules!.push(g.rules![0])],
      ['a macro named twice', (g) => g.macros!.push(g.macros![0])],
      ['a list named twice', (g) => g.lists!.push(g.lists![0])],
      ['a line 0', rule((r) => (r[2] = 0))],
      ['a column 0', rule((r) => (r[3] = 0))],
      ['an ignore comment with a key more', (g) => ((g.ignores![0] as Record<string, unknown>).extra = 1)],
      ['an ignore comment on line 0', (g) => ((g.ignores![0] as Record<string, unknown>).line = 0)],
      ['a null ignore comment', (g) => g.ignores!.push(null)],
      ...((): [string, (g: Record<string, unknown[]>) => void][] => {
        const x = (change: (row: unknown[]) => void) => (g: Record<string, unknown[]>) => change(g.rules![1] as unknown[]);
        const ex = (i: number, change: (e: unknown[]) => void) => x((r) => change((r[14] as unknown[][])[i]!));
        return [
          ['exceptions that are no list', x((r) => (r[14] = {}))],
          ['an exception row one too short', ex(0, (e) => e.pop())],
          ['an exception name that is no string', ex(0, (e) => (e[0] = 1))],
          ['exception fields that are a number', ex(0, (e) => (e[1] = 1))],
          ['exception fields holding a number', ex(1, (e) => (e[1] = ['proc.name', 1]))],
          ['exception comps that are a number', ex(0, (e) => (e[2] = 1))],
          ['exception values that are no list', ex(0, (e) => (e[3] = 'a'))],
          ['an exception value that is a number', ex(0, (e) => (e[3] = ['a', 2]))],
          ['an exception value nesting a number', ex(1, (e) => (e[3] = [['a', ['/x', 3]]]))],
          ['an exception position past the file names', ex(0, (e) => (e[4] = 5))],
          ['skipsUnknownFilter that is no boolean', x((r) => (r[15] = 'true'))],
          ['a rule row without skipsUnknownFilter', x((r) => r.pop())],
        ];
      })(),
    ];
    for (const [what, corrupt] of corruptions) {
      const stored = good();
      corrupt(stored);
      expect(expandRuleset(stored, ruleset.files), what).toBeUndefined();
    }
    for (const stored of [null, 1, 'x', [], {}]) expect(expandRuleset(stored, ruleset.files)).toBeUndefined();
  });

  it('reads the outline alone once stored: equal to the outline of the built ruleset, no file parsed, nothing stored', async () => {
    const dir = await tempDir();
    const files = await copies(dir);
    const cache = await newCache();
    const fresh = await load(files, undefined, dir);
    // Without a cache, and on a first sighting, the outline is the built ruleset itself.
    expect(await loadOutline(files, undefined, dir)).toStrictEqual(fresh);
    expect(await loadOutline(files, cache, dir)).toStrictEqual(fresh);
    expect(await entries(cache, 'ruleset-outline')).toEqual([]);
    expect(await loadOutline(files, cache, dir)).toStrictEqual(fresh);
    expect(await entries(cache, 'ruleset-outline')).toHaveLength(1);
    await rm(path.join(cache.dir!, 'rules'), { recursive: true });
    await rm(path.join(cache.dir!, 'ruleset'), { recursive: true });
    const reading: ParseCache = deferring(cache);
    const outline = await loadOutline(files, reading, dir);
    expect(outline).toStrictEqual(outlineOfRuleset(fresh));
    expect(outline.rules[0]).not.toHaveProperty('condition');
    expect(reading.pending).toEqual([]);
    // What the outline keeps made it through: overrides, disabled rules, ignore comments.
    expect(outline.rules.some((r) => r.modifiedAt.length > 0)).toBe(true);
    expect(outline.rules.some((r) => !r.isEnabled)).toBe(true);
    expect(outline.ignoreComments!.length).toBeGreaterThan(0);
  });

  it('stores the outline from a stored ruleset when asked for it, and never when the whole ruleset is asked for', async () => {
    const { dir, files, cache } = await seenTwice();
    expect(await entries(cache, 'ruleset-outline')).toEqual([]);
    const whole: ParseCache = deferring(cache);
    await load(files, whole, dir);
    expect(whole.pending).toEqual([]);
    const asked: ParseCache = deferring(cache);
    // From the stored ruleset: the whole of it (a ruleset is an outline too), and its outline stored.
    expect(await loadOutline(files, asked, dir)).toStrictEqual(await load(files, undefined, dir));
    expect(asked.pending!.map((p) => p.kind.name)).toEqual(['ruleset-outline']);
    flushParseCache(asked);
    expect(await loadOutline(files, cache, dir)).toStrictEqual(outlineOfRuleset(await load(files, undefined, dir)));
  });

  it('reads a corrupt or misshapen outline as a miss: the outline is taken from the ruleset and rewritten', async () => {
    const { dir, files, cache } = await seenTwice(loadOutline);
    const fresh = await load(files, undefined, dir);
    const [name] = await entries(cache, 'ruleset-outline');
    const file = path.join(cache.dir!, 'ruleset-outline', name!);
    const bytes = readFileSync(file);
    const key = JSON.parse(bytes.toString('utf8').split('\n')[1]!).key as string;
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100]! ^= 0xff;
    // A corrupt entry, a ruleset's form under the outline's kind, and an outline headed as the other kind are misses.
    for (const wrong of [flipped, encodeEntry(OUTLINE_KIND, key, compactRuleset(fresh)), encodeEntry(RULESET_KIND, key, compactOutline(fresh))]) {
      writeFileSync(file, wrong);
      expect(await loadOutline(files, cache, dir)).toStrictEqual(fresh);
      // The same outline again (not always the same bytes: V8 writes a string as it holds it, one or two bytes a character).
      const rewritten = decodeEntry(readFileSync(file), OUTLINE_KIND, key);
      expect(rewritten).toBeDefined();
      expect(rewritten).toStrictEqual(decodeEntry(bytes, OUTLINE_KIND, key));
    }
  });

  it('expands what compactOutline writes, and refuses anything else', () => {
    const ruleset = rulesetFromTexts(FILES.map((f) => ({ path: path.basename(f), text: readFileSync(f, 'utf8') })));
    // As the cache gives it back: through V8's serialization.
    const stored = () => deserialize(serialize(compactOutline(ruleset))) as { names: unknown[]; strings: unknown[]; numbers: Float64Array; ignores: unknown[]; isOutline?: unknown };
    expect(stored().numbers).toBeInstanceOf(Float64Array);
    expect(expandOutline(stored(), ruleset.files)).toStrictEqual(outlineOfRuleset(ruleset));
    // The outline of an outline is itself; every string is stored once.
    expect(compactOutline(expandOutline(stored(), ruleset.files)!)).toStrictEqual(compactOutline(ruleset));
    expect(new Set(stored().strings).size).toBe(stored().strings.length);
    // Neither form is read as the other.
    expect(expandRuleset(stored(), ruleset.files)).toBeUndefined();
    const full = compactRuleset(ruleset) as unknown as Record<string, unknown[]>;
    expect(expandOutline(full, ruleset.files)).toBeUndefined();
    expect(expandOutline({ ...full, isOutline: true }, ruleset.files)).toBeUndefined();
    expect(expandRuleset({ ...full, isOutline: true }, ruleset.files)).toBeUndefined();
    expect(expandRuleset({ ...full, isOutline: false }, ruleset.files)).toBeUndefined();
    // The first rule's numbers: name, file, line, column, priority, source, flags, tag count, modifiedAt count, then
    // its first tag's value, file, line, column and end column (0: none).
    const first = stored();
    expect(first.strings[first.numbers[0]!]).toBe(ruleset.rules[0]!.name);
    expect(first.numbers[7]).toBe(ruleset.rules[0]!.tags.length);
    expect(first.numbers[7]).toBeGreaterThan(0);
    expect(first.numbers[13]).toBe(ruleset.rules[0]!.tags[0]!.endColumn);
    expect(first.numbers[13]).toBeGreaterThan(first.numbers[12]!);
    const set = (index: number, value: number) => (g: ReturnType<typeof stored>) => (g.numbers[index] = value);
    const corruptions: [string, (g: ReturnType<typeof stored>) => void][] = [
      ['numbers as a plain array', (g) => ((g as Record<string, unknown>).numbers = [...g.numbers])],
      ['numbers as another typed array', (g) => ((g as Record<string, unknown>).numbers = Float32Array.from(g.numbers))],
      ['a name past the string table', set(0, 1e6)],
      ['a name at the table\'s length', (g) => (g.numbers[0] = g.strings.length)],
      ['a negative index', set(0, -1)],
      ['a fractional index', set(0, 0.5)],
      ['NaN', set(0, NaN)],
      ['a file past the file names', (g) => (g.numbers[1] = g.names.length)],
      ['line 0', set(2, 0)],
      ['column 0', set(3, 0)],
      ['a fractional column', set(3, 1.5)],
      // Numbers are read as small integers (`| 0`): one past 2^31 would read as another (2^32 + 1 as column 1).
      ['a column of 2^32 + 1', set(3, 2 ** 32 + 1)],
      ['a line of 2^31', set(2, 2 ** 31)],
      ['a priority past the table', (g) => (g.numbers[4] = g.strings.length)],
      ['a source past the table', (g) => (g.numbers[5] = g.strings.length)],
      ['an unknown flag', set(6, 4)],
      ['a negative flag word', set(6, -1)],
      ['a fractional tag count', set(7, 1.5)],
      ['a negative modifiedAt count', set(8, -1)],
      ['a tag value past the table', (g) => (g.numbers[9] = g.strings.length)],
      ['a tag line of 0', set(11, 0)],
      ['a negative tag end column', set(13, -1)],
      ['a fractional tag end column', set(13, 1.5)],
      ['a tag end column at its column', (g) => (g.numbers[13] = g.numbers[12]!)],
      ['a tag end column before its column', (g) => (g.numbers[13] = g.numbers[12]! - 1)],
      ['more tags than numbers', set(7, 1e9)],
      ['numbers cut short', (g) => ((g as Record<string, unknown>).numbers = g.numbers.subarray(0, g.numbers.length - 1))],
      ['a string that is no string', (g) => (g.strings[0] = 7)],
      ['a file name that is no string', (g) => (g.names[0] = null)],
      ['no strings', (g) => delete (g as Record<string, unknown>).strings],
      ['an ignore comment misshapen', (g) => g.ignores.push({ file: 'x' })],
      ['no outline mark', (g) => delete g.isOutline],
      ['an outline mark that is not true', (g) => (g.isOutline = 1)],
    ];
    for (const [what, corrupt] of corruptions) {
      const g = stored();
      corrupt(g);
      expect(expandOutline(g, ruleset.files), what).toBeUndefined();
    }
    // A rule named twice is refused (buildRuleset keeps one rule per name).
    const twice = stored();
    const second = 9 + 5 * twice.numbers[7]! + 3 * twice.numbers[8]!;
    twice.numbers[second] = twice.numbers[0]!;
    expect(expandOutline(twice, ruleset.files)).toBeUndefined();
    // The flags: enabled (1) and skip-if-unknown-filter (2), each on its own.
    const flagged = (flags: number) => {
      const g = stored();
      g.numbers[6] = flags;
      return expandOutline(g, ruleset.files)!.rules[0]!;
    };
    expect(flagged(0)).toMatchObject({ isEnabled: false });
    expect(flagged(0)).not.toHaveProperty('skipsUnknownFilter');
    expect(flagged(1)).toMatchObject({ isEnabled: true });
    expect(flagged(1)).not.toHaveProperty('skipsUnknownFilter');
    expect(flagged(2)).toMatchObject({ isEnabled: false, skipsUnknownFilter: true });
    expect(flagged(3)).toMatchObject({ name: ruleset.rules[0]!.name, isEnabled: true, skipsUnknownFilter: true });
  });

  it('stores nothing when the ruleset cannot be built', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, '- rule: r\n  override:\n    condition: append\n  condition: and x\n');
    const cache = await newCache();
    await expect(load([file], cache, dir)).rejects.toThrow(/before it is defined/);
    await expect(loadOutline([file], cache, dir)).rejects.toThrow(/before it is defined/);
    expect(await entries(cache, 'ruleset')).toEqual([]);
    expect(await entries(cache, 'ruleset-outline')).toEqual([]);
    const empty = { files: [], rules: [], macros: new Map(), lists: new Map(), ignoreComments: [] };
    expect(cachedRuleset([], () => ({ ruleset: empty, isSeenBefore: true }), undefined)).toBe(empty);
    expect(cachedRulesetOutline([], () => ({ ruleset: empty, isSeenBefore: true }), undefined)).toBe(empty);
  });

  it('keys entries by every file as shown, with its sha256, in order', () => {
    const a = { path: 'a.yaml', sha256: '1' };
    const b = { path: 'b.yaml', sha256: '2', url: 'https://example.com/b.yaml' };
    expect(new Set([rulesetKey([a, b]), rulesetKey([b, a]), rulesetKey([a]), rulesetKey([a, { ...b, url: undefined }]), rulesetKey([{ ...a, sha256: '3' }, b])]).size).toBe(5);
    expect(entryName(RULESET_KIND, rulesetKey([a, b]))).toBe(entryName(RULESET_KIND, rulesetKey([{ ...a }, { ...b }])));
  });
});

/** Per RULESET_FORMAT: the outline of the stored form and a content hash over CORPUS, built file by file. */
const GOLDEN = path.join(repoRoot, 'test', 'golden', 'ruleset-format.json');

/** A fixed corpus of rulesets (new fixtures elsewhere must not move the golden). */
const CORPUS = [
  ...OFFICIAL_RULES.map((f) => [f]),
  [embedded('falco-plugins', 'k8s_audit_rules.yaml')],
  ['base.yaml', 'override.yaml'].map((f) => fixture('rules', f)),
  ...['conventional.yaml', 'fixable.yaml', 'hostile.yaml', 'nonstandard.yaml', 'suppressed.yaml', 'upgrade.yaml', 'macro-source.yaml'].map((f) => [fixture('rules', f)]),
  // From format 6: the outline keeps skip-if-unknown-filter.
  ...(RULESET_FORMAT >= 6 ? [[fixture('rules', 'skip-unknown.yaml')]] : []),
];

/** Per ruleset of the corpus: its stored form, and from format 2 on its stored outline beside it. */
function storedCorpus(): unknown[] {
  return CORPUS.map((files): unknown => {
    const ruleset: Ruleset = rulesetFromTexts(files.map((f) => ({ path: path.basename(f), text: readFileSync(f, 'utf8') })));
    return { ruleset: compactRuleset(ruleset), outline: compactOutline(ruleset) };
  });
}

describe(`RULESET_FORMAT ${RULESET_FORMAT}`, () => {
  it('pins the stored ruleset: a change of shape or content needs a format bump', () => {
    const corpus = storedCorpus();
    const current = { outline: outlineOf(corpus), content: contentHash(corpus) };
    const recorded = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>)[String(RULESET_FORMAT)];
    expect(recorded, `no entry for RULESET_FORMAT ${RULESET_FORMAT} in test/golden/ruleset-format.json; add "${RULESET_FORMAT}": ${JSON.stringify(current)}`).toBeDefined();
    expect(current, `the stored ruleset changed: bump RULESET_FORMAT in src/falco/ruleset-cache.ts (to ${RULESET_FORMAT + 1}) so that cached rulesets are built again, and add its entry to test/golden/ruleset-format.json (leave the old ones)`).toEqual(recorded);
  });
});
