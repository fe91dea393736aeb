// attack-cov's field and event catalogues against Falco's own references in test/data/falco-reference.
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fieldsOf, listedFields, lookupField, readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { falcoReference } from '../../helpers/paths.js';

const catalog = readFieldCatalog();
const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

describe('field catalogue', () => {
  it('has exactly the syscall fields of `falco --list=syscall` plus the container and k8smeta plugins, and the deprecated ones --list hides', async () => {
    const expected = new Set([
      ...names(await readFile(falcoReference('supported-fields.md'), 'utf8'), /^`([^`]+)` \|/gm),
      ...names(await readFile(falcoReference('plugin-fields', 'container.md'), 'utf8'), /^\| `([^`]+)`/gm),
      ...names(await readFile(falcoReference('plugin-fields', 'k8smeta.md'), 'utf8'), /^\| `([^`]+)`/gm),
    ]);
    const deprecated = ['evt.dir', 'evt.latency', 'evt.latency.s', 'evt.latency.ns', 'evt.latency.human', 'evt.wait.latency'];
    expect(new Set(fieldsOf(catalog, 'syscall')!.keys())).toEqual(new Set([...expected, ...deprecated]));
    for (const name of deprecated) expect(expected.has(name), name).toBe(false);
    expect(deprecated.map((name) => fieldsOf(catalog, 'syscall')!.get(name)!.deprecatedSince)).toEqual(['0.42.0', '0.43.0', '0.43.0', '0.43.0', '0.43.0', '0.43.0']);
    expect(fieldsOf(catalog, 'syscall')!.get('evt.dir')).toEqual({ type: 'CHARBUF', deprecatedSince: '0.42.0' });
    expect(fieldsOf(catalog, 'k8s_audit')!.has('evt.dir')).toBe(false);
    // What a draft is told it may use: what --list shows.
    expect(new Set(listedFields(catalog, 'syscall'))).toEqual(expected);
    expect(listedFields(catalog, 'nosuch')).toEqual([]);
  });

  const plugins: [string, string][] = [['k8s_audit', 'k8saudit'], ['aws_cloudtrail', 'cloudtrail'], ['okta', 'okta'], ['github', 'github'], ['gcp_auditlog', 'gcpaudit']];
  for (const [source, file] of plugins) {
    it(`has every ${file} plugin field for the ${source} source`, async () => {
      const expected = names(await readFile(falcoReference('plugin-fields', `${file}.md`), 'utf8'), /^\| `([^`]+)`/gm);
      const fields = fieldsOf(catalog, source)!;
      expect(expected.length).toBeGreaterThan(5);
      for (const name of expected) expect(fields.has(name), name).toBe(true);
      expect(fields.has('evt.time')).toBe(true); // the fields of every event source
      expect(fields.has('proc.name')).toBe(false);
    });
  }

  it('has the json extractor plugin\'s fields (jevt.* included) for every plugin source, and not for syscall', async () => {
    const expected = names(await readFile(falcoReference('plugin-fields', 'json.md'), 'utf8'), /^\| `([^`]+)`/gm);
    expect(expected).toEqual(['json.value', 'json.obj', 'json.rawtime', 'jevt.value', 'jevt.obj', 'jevt.rawtime']);
    for (const [source] of plugins) for (const name of expected) expect(fieldsOf(catalog, source)!.has(name), `${source} ${name}`).toBe(true);
    for (const name of expected) expect(fieldsOf(catalog, 'syscall')!.has(name), name).toBe(false);
    // jevt.value[/stage], as the official k8saudit rules write it: a required key.
    const k8s = fieldsOf(catalog, 'k8s_audit')!;
    expect('error' in lookupField(k8s, { name: 'jevt.value', arg: '/stage' })).toBe(false);
    expect('error' in lookupField(k8s, { name: 'jevt.value' })).toBe(true);
    expect('error' in lookupField(k8s, { name: 'jevt.rawtime' })).toBe(false);
  });

  it('knows every plugin README in the reference', async () => {
    expect((await readdir(falcoReference('plugin-fields'))).sort()).toEqual(['cloudtrail.md', 'container.md', 'gcpaudit.md', 'github.md', 'json.md', 'k8saudit.md', 'k8smeta.md', 'okta.md']);
  });

  it('has every event name of `falco --list-events`', async () => {
    const expected = new Set(names(await readFile(falcoReference('supported-events.md'), 'utf8'), /^(?:Yes|No) \| `[<>]` \| `([a-z_0-9]+)`/gm));
    expect(new Set(catalog.events.keys())).toEqual(expected);
    expect(catalog.events.get('execve')).toContain('filename');
    // In the exit event's order, so that evt.arg[N] names the Nth parameter.
    expect(catalog.events.get('execve')!.slice(0, 3)).toEqual(['res', 'exe', 'args']);
    expect(catalog.events.get('switch')).toEqual(['next', 'pgft_maj', 'pgft_min', 'vm_size', 'vm_rss', 'vm_swap']);
  });

  it("knows which events are generic syscalls and how many event codes each other has, for Falco's event code search", async () => {
    const reference = await readFile(falcoReference('supported-events.md'), 'utf8');
    expect(new Set(catalog.genericEvents)).toEqual(new Set(names(reference, /^(?:Yes|No) \| `[<>]` \| `([a-z_0-9]+)` \| SYSCALLID \*\*ID\*\*/gm)));
    expect(new Set([...catalog.genericEvents, ...catalog.eventCodes.keys()])).toEqual(new Set(catalog.events.keys()));
    // A syscall has an enter and an exit code, though the reference lists only the exit event of most; others a row each.
    expect([catalog.eventCodes.get('execve'), catalog.eventCodes.get('open'), catalog.eventCodes.get('switch'), catalog.eventCodes.get('drop')]).toEqual([2, 2, 1, 2]);
    expect(catalog.genericEvents.has('syncfs')).toBe(true);
    expect(catalog.eventCodes.has('syncfs')).toBe(false);
  });

  it('resolves field arguments the way Falco writes them', () => {
    const syscall = fieldsOf(catalog, 'syscall')!;
    const ok = (name: string, arg?: string) => expect('error' in lookupField(syscall, { name, ...(arg !== undefined ? { arg } : {}) }), `${name}[${arg}]`).toBe(false);
    const bad = (name: string, arg?: string) => expect('error' in lookupField(syscall, { name, ...(arg !== undefined ? { arg } : {}) }), `${name}[${arg}]`).toBe(true);
    ok('proc.aname', '2');
    ok('proc.aname');
    ok('evt.arg.flags');
    ok('evt.arg', '0');
    ok('container.label.app');
    bad('evt.arg');
    bad('proc.name', '1');
    bad('proc.aname', 'x');
    bad('evt.argv', '2');
    expect(lookupField(fieldsOf(catalog, 'k8s_audit')!, { name: 'ka.uri.param', arg: 'key' })).toMatchObject({ name: 'ka.uri.param' });
  });
});
