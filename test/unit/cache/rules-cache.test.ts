// The warm path for rules: a rules file seen before (same bytes, same name), whether the yaml library or the
// line scanner read it, comes from the parse cache equal to a fresh parse; another name or a changed byte
// misses; a corrupt or misshapen entry is parsed again; a file that does not parse stores nothing; and the
// parsed items are pinned to RULES_FORMAT so a change without a bump fails here.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES_FORMAT, RULES_KIND, cachedRulesItems, compactItems } from '../../../src/falco/rules-cache.js';
import { isDataRecord } from '../../../src/own.js';
import { parseRulesFile, parseRulesText } from '../../../src/falco/parse.js';
import { loadRules } from '../../../src/falco/load.js';
import { decodeEntry, encodeEntry, entryName, type ParseCache } from '../../../src/parse-cache.js';
import { contentHash, outlineOf } from '../../helpers/fingerprint.js';
import { OFFICIAL_RULES, embedded, fixture, repoRoot } from '../../helpers/paths.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-cache-'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** The official rules plus one item with an anchor: the line scanner hands it over, the yaml library reads it. */
const UNUSUAL = `${readFileSync(OFFICIAL_RULES[0]!, 'utf8')}\n- list: anchored\n  items: &names [a, b]\n`;

describe('cachedRulesItems', () => {
  it('parses a file the yaml library must read once per content and name, then serves equal items', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const text = UNUSUAL;
    const cold = cachedRulesItems(text, sha(text), 'rules/a.yaml', cache);
    expect(await readdir(path.join(cache.dir!, 'rules'))).toHaveLength(1);
    const warm = cachedRulesItems(text, sha(text), 'rules/a.yaml', cache);
    expect(warm).toEqual(cold);
    expect(warm).not.toBe(cold);
    expect(warm).toEqual(parseRulesText(text, 'rules/a.yaml'));
    // Positions carry the name: the same bytes under another name are another entry.
    expect(cachedRulesItems(text, sha(text), 'b.yaml', cache)[0]!.position.file).toBe('b.yaml');
    const changed = `${text}\n# one more line\n`;
    cachedRulesItems(changed, sha(changed), 'rules/a.yaml', cache);
    expect(await readdir(path.join(cache.dir!, 'rules'))).toHaveLength(3);
  });

  it('stores large files the line scanner reads too, in the compact form, and gives back equal items', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const { generateRuleset } = (await import(path.join(repoRoot, 'bench', 'generate-rules.mjs'))) as { generateRuleset: (n: number, dir: string, o: object) => string[] };
    const large = readFileSync(generateRuleset(400, await tempDir(), { seed: 3 })[0]!, 'utf8');
    expect(large.length).toBeGreaterThan(256 * 1024);
    expect(parseRulesFile(large, 'a.yaml').isScanned).toBe(true);
    const cold = cachedRulesItems(large, sha(large), 'large.yaml', cache);
    expect(await readdir(path.join(cache.dir!, 'rules'))).toHaveLength(1);
    const warm = cachedRulesItems(large, sha(large), 'large.yaml', cache);
    expect(warm).not.toBe(cold);
    expect(warm).toEqual(parseRulesText(large, 'large.yaml'));
    expect(contentHash(warm)).toBe(contentHash(cold));
  });

  it('keeps duplicate keys and their positions through the compact form', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const text = '- rule: r\n  desc: d\n  desc: again\n  condition: c\n  output: o\n  priority: INFO\n  tags: [a, T1059]\n';
    const cold = cachedRulesItems(text, sha(text), 'd.yaml', cache);
    expect(cold[0]!.duplicateKeys).toHaveLength(1);
    const warm = cachedRulesItems(text, sha(text), 'd.yaml', cache);
    expect(warm).not.toBe(cold);
    expect(contentHash(warm)).toBe(contentHash(cold));
  });

  it('reads a corrupt or misshapen entry as a miss: the file is parsed again and the entry rewritten', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const text = readFileSync(OFFICIAL_RULES[0]!, 'utf8');
    const fresh = parseRulesText(text, 'c.yaml');
    cachedRulesItems(text, sha(text), 'c.yaml', cache);
    const file = path.join(cache.dir!, 'rules', entryName(RULES_KIND, `${sha(text)}\0c.yaml`));
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 100]! ^= 0xff;
    writeFileSync(file, flipped);
    expect(cachedRulesItems(text, sha(text), 'c.yaml', cache)).toEqual(fresh);
    // Rewritten: the same value (not always the same bytes: v8 writes a string one- or two-byte as it is held).
    const rewritten = () => decodeEntry(readFileSync(file), RULES_KIND, `${sha(text)}\0c.yaml`);
    const stored = decodeEntry(bytes, RULES_KIND, `${sha(text)}\0c.yaml`);
    expect(stored).toBeDefined();
    expect(rewritten()).toEqual(stored);
    // A well-formed entry (its checksum right) holding something else is no more trusted than a corrupt one.
    const good = ['rule', 'x', 1, 1, {}, ['k', 1, 2], [3, 4, 0], 0];
    // Read as stored: a tag with no end column, and one whose end is past its column.
    for (const [end, endColumn] of [[0, undefined], [9, 9]] as const) {
      writeFileSync(file, encodeEntry(RULES_KIND, `${sha(text)}\0c.yaml`, [good.map((v, i) => (i === 6 ? [3, 4, end] : v))]));
      expect(cachedRulesItems(text, sha(text), 'c.yaml', cache)[0]!.tagPositions).toStrictEqual([{ file: 'c.yaml', line: 3, column: 4, endColumn }]);
    }
    const wrongs = [
      [['rule', 'x', 1, 1, {}, ['k', 1], [], 0]], [['rule', 'x', 1, 1, {}, [1, 1, 1], [], 0]], [['rule', 'x', 1, 1, {}, [], [1, 'a'], 0]], [['rule', 'x', 1, 1, {}, [], [], 0, 'extra']], [['bogus', 'x', 1, 1, {}, [], [], 0]], { items: [] },
      // Each field of an item wrong on its own, beside a good item.
      ...[[1, 7], [2, 1.5], [3, '1'], [4, null], [4, []], [4, 'fields'], [5, 'k'], [5, ['k', 1, 'x']], [6, 'tags'], [6, [3]], [6, [3, 4]], [6, [3, 4.5, 0]], [6, [3, 4, 4]], [6, [3, 4, 2]], [6, [3, 4, -1]], [6, [3, 4, 0, 5, 6, 6]], [7, 1]].map(([at, value]) => [good, good.map((v, i) => (i === at ? value : v))]),
      'items',
    ];
    for (const wrong of wrongs) {
      writeFileSync(file, encodeEntry(RULES_KIND, `${sha(text)}\0c.yaml`, wrong));
      expect(cachedRulesItems(text, sha(text), 'c.yaml', cache)).toEqual(fresh);
      expect(rewritten()).toEqual(stored);
    }
  });

  it('stores nothing for items whose positions name another file (the stored form keeps no file names)', () => {
    const at = (file: string) => ({ file, line: 1, column: 1 });
    const item = { kind: 'rule' as const, name: 'r', position: at('a.yaml'), fields: {}, keyPositions: { tags: at('a.yaml') }, tagPositions: [at('a.yaml')] };
    expect(compactItems([item], 'a.yaml')).toEqual([['rule', 'r', 1, 1, {}, ['tags', 1, 1], [1, 1, 0], 0]]);
    // A tag's end column is stored after its column (0: none); a stored one must be past its column.
    expect(compactItems([{ ...item, tagPositions: [{ ...at('a.yaml'), endColumn: 6 }] }], 'a.yaml')![0]![6]).toEqual([1, 1, 6]);
    for (const other of [{ ...item, position: at('b.yaml') }, { ...item, keyPositions: { tags: at('b.yaml') } }, { ...item, tagPositions: [at('b.yaml')] }]) {
      expect(compactItems([item, other], 'a.yaml')).toBeUndefined();
    }
  });

  it('gives back records that inherit nothing, so that keys such as toString stay data', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const text = '- rule: r\n  toString: x\n  constructor: y\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n';
    const cold = cachedRulesItems(text, sha(text), 'p.yaml', cache);
    const warm = cachedRulesItems(text, sha(text), 'p.yaml', cache);
    expect(warm).not.toBe(cold);
    for (const item of [cold[0]!, warm[0]!]) {
      expect(isDataRecord(item.fields)).toBe(true);
      expect(isDataRecord(item.keyPositions)).toBe(true);
      expect('hasOwnProperty' in item.keyPositions).toBe(false);
      expect(item.keyPositions.constructor).toEqual({ file: 'p.yaml', line: 3, column: 3 });
      expect(item.fields.toString).toBe('x');
      expect('hasOwnProperty' in item.fields).toBe(false);
    }
  });

  it('stores nothing for a file that does not parse', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const text = '- rule: a\n  desc: [unclosed\n';
    expect(() => cachedRulesItems(text, sha(text), 'bad.yaml', cache)).toThrow(/bad\.yaml:/);
    await expect(readdir(path.join(cache.dir!, 'rules'))).rejects.toThrow(/ENOENT/);
  });

  it('loadRules with a cache gives the same ruleset as without', async () => {
    const empty = await tempDir();
    const cache: ParseCache = { prebuilt: [path.join(repoRoot, 'dist', 'parsed')], dir: path.join(empty, 'parsed') };
    const [warm, cold] = await Promise.all([loadRules(['official:all'], { cacheRoot: empty, parseCache: cache }), loadRules(['official:all'], { cacheRoot: empty })]);
    expect(contentHash(warm.ruleset)).toBe(contentHash(cold.ruleset));
  });
});

/** Per RULES_FORMAT: the outline of parsed items and a content hash over CORPUS. */
const GOLDEN = path.join(repoRoot, 'test', 'golden', 'rules-format.json');

/** A fixed corpus (new fixtures elsewhere must not move the golden): the embedded rules and some fixtures (aliases.yaml
 * from RULES_FORMAT 8, whose entries before it were recorded without it). */
const CORPUS = [...OFFICIAL_RULES, embedded('falco-plugins', 'k8s_audit_rules.yaml'), ...['base.yaml', 'conventional.yaml', 'fixable.yaml', 'hostile.yaml', 'nonstandard.yaml', 'override.yaml', 'upgrade.yaml', 'aliases.yaml'].map((f) => fixture('rules', f))];

function parsedCorpus(): unknown[] {
  return CORPUS.map((file) => parseRulesText(readFileSync(file, 'utf8'), path.basename(file)));
}

describe(`RULES_FORMAT ${RULES_FORMAT}`, () => {
  it('pins the parsed items: a change of shape or content needs a format bump', () => {
    const corpus = parsedCorpus();
    const current = { outline: outlineOf(corpus), content: contentHash(corpus) };
    const recorded = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>)[String(RULES_FORMAT)];
    expect(recorded, `no entry for RULES_FORMAT ${RULES_FORMAT} in test/golden/rules-format.json; add "${RULES_FORMAT}": ${JSON.stringify(current)}`).toBeDefined();
    expect(current, `parseRulesText's items changed: bump RULES_FORMAT in src/falco/rules-cache.ts (to ${RULES_FORMAT + 1}) so that cached rules are parsed again, and add its entry to test/golden/rules-format.json (leave the old ones)`).toEqual(recorded);
  });
});
