// Loading procedures: Atomic Red Team technique files (input argument defaults substituted, only
// linux/containers tests, only sh/bash emulated), malformed files refused, the embedded set, the benign corpus.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { ATOMICS_FOLDER, proceduresOfAtomicFile, readAtomics, readBenignCorpus, substituteArguments } from '../../../src/emulate/procedures.js';

/** One linux test with an argument, one windows test (ignored), one manual linux test (skipped). */
const FILE = `attack_technique: T1070.003
display_name: Clear Command History
atomic_tests:
- name: Clear Bash history (rm)
  auto_generated_guid: a934276e-2be5-4a36-93fd-98adbb5bd4fc
  supported_platforms: [linux, macos]
  input_arguments:
    history_path: { description: path, type: path, default: ~/.bash_history }
  executor: { name: sh, command: "rm #{history_path} #{missing}" }
- name: Windows only
  auto_generated_guid: 11111111-0000-0000-0000-000000000000
  supported_platforms: [windows]
  executor: { name: powershell, command: "Clear-History" }
- name: By hand
  auto_generated_guid: 22222222-0000-0000-0000-000000000000
  supported_platforms: [containers]
  executor: { name: manual, steps: "do it" }
`;

describe('atomics', () => {
  it('keeps linux/containers tests, substitutes defaults (an argument without one stays as written), skips non-shell executors', () => {
    const { procedures, skipped } = proceduresOfAtomicFile(FILE, 'T1070.003.yaml');
    expect(procedures).toEqual([{ id: 'a934276e-2be5-4a36-93fd-98adbb5bd4fc', technique: 'T1070.003', name: 'Clear Bash history (rm)', executor: 'sh', command: 'rm ~/.bash_history #{missing}', kind: 'atomic' }]);
    expect(skipped).toEqual([{ id: '22222222-0000-0000-0000-000000000000', technique: 'T1070.003', name: 'By hand', why: 'manual executor (only sh and bash are emulated)' }]);
  });
  it('reads the fields as Atomic Red Team types them: a scalar platform is that platform, a test whose command or name is no text is skipped, saying so, and a list is no technique ID (QA)', () => {
    const test = (fields: string) => `attack_technique: T1000\natomic_tests:\n- auto_generated_guid: 33333333-0000-0000-0000-000000000000\n${fields}`;
    const read = (fields: string) => proceduresOfAtomicFile(test(fields), 'T1000.yaml');
    expect(read('  name: one platform\n  supported_platforms: linux\n  executor: { name: sh, command: id }\n').procedures).toHaveLength(1);
    expect(read('  name: listed\n  supported_platforms: linux\n  executor: { name: sh, command: [a] }\n').skipped).toEqual([{ id: '33333333-0000-0000-0000-000000000000', technique: 'T1000', name: 'listed', why: 'its command is not text (a YAML list or map?)' }]);
    expect(read('  name: { a: 1 }\n  supported_platforms: [linux]\n  executor: { name: sh, command: id }\n').skipped).toEqual([{ id: '33333333-0000-0000-0000-000000000000', technique: 'T1000', name: '', why: 'its name is not text' }]);
    expect(() => proceduresOfAtomicFile(test('').replace('attack_technique: T1000', 'attack_technique: [T1000]'), 'T1000.yaml')).toThrow(/T1000\.yaml: not an Atomic Red Team technique file/);
  });
  it('replaces PathToAtomicsFolder, whatever its case', () => {
    expect(substituteArguments('sh $PathtoAtomicsFolder/T1/src/x.sh #{a}', { a: { default: 'PathToAtomicsFolder/y' } })).toBe(`sh ${ATOMICS_FOLDER}/T1/src/x.sh ${ATOMICS_FOLDER}/y`);
  });
  it('refuses a file that is not YAML or not a technique file, naming it', () => {
    expect(() => proceduresOfAtomicFile('a: [', 'bad.yaml')).toThrow(InputError);
    // file:line:col, as rules files are named; an unclosed quote or bracket where it opens, not past the file's end (QA:
    // a 3-line file's flow list was named at 4:1), with the hint rules files get.
    const refusal = (text: string) => {
      try {
        proceduresOfAtomicFile(text, 'T1529.yaml');
      } catch (error) {
        return error as InputError;
      }
      throw new Error('read without an error');
    };
    const quote = refusal('attack_technique: T1529\natomic_tests:\n  - name: "x\n');
    expect(quote.message).toBe('T1529.yaml:3:11: YAML syntax error: the "quoted" string that starts here is not closed');
    expect(quote.hint).toBe('it runs on to the end of the file; close it, or write the value without quotes');
    expect(refusal('attack_technique: T1529\natomic_tests:\n- name: [unclosed\n').message).toBe('T1529.yaml:3:9: YAML syntax error: the flow sequence that starts here does not end with a ] where it should');
    // Any other error at its place, the yaml library's message without its own "at line …:".
    expect(refusal('a: b: c\n').message).toBe('T1529.yaml:1:4: not YAML: Nested mappings are not allowed in compact mappings');
    // What only making the values finds, with the file.
    expect(refusal(`a: &x [1]\nb: [${'*x, '.repeat(200)}*x]\n`).message).toMatch(/^T1529\.yaml: not YAML: Excessive alias count/);
    expect(() => proceduresOfAtomicFile('atomic_tests: []', 'x.yaml')).toThrow(/x\.yaml: not an Atomic Red Team technique file/);
    expect(() => readAtomics('/nonexistent/atomics')).toThrow(/no atomics folder/);
  });
  it('refuses a folder without one atomic (a wrong --atomics in CI emulated nothing and exited 0)', async () => {
    const { mkdtemp, mkdir, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(`${os.tmpdir()}/attack-cov-atomics-`);
    expect(() => readAtomics(dir)).toThrow(/no atomics here \(no T\*\/T\*\.yaml file\)$/);
    // A technique folder without its file is no atomic either; one with it is.
    await mkdir(`${dir}/T1529`);
    expect(() => readAtomics(dir)).toThrow(/no atomics here/);
    await writeFile(`${dir}/T1529/T1529.yaml`, FILE.replace('T1070.003', 'T1529'));
    expect(readAtomics(dir).procedures.length).toBeGreaterThan(0);
  });
  it('reads the embedded linux/containers atomics', () => {
    const { procedures, skipped } = readAtomics();
    expect(procedures.length).toBeGreaterThan(400);
    expect(new Set(procedures.map((p) => p.technique)).size).toBeGreaterThan(120);
    expect(procedures.every((p) => p.executor === 'sh' || p.executor === 'bash')).toBe(true);
    expect(skipped.length).toBeGreaterThan(0);
    expect(procedures.find((p) => p.id === '4963a81e-a3ad-4f02-adda-812343b351de')).toMatchObject({ technique: 'T1529', command: 'shutdown -h now\n' });
  });
});

describe('the benign corpus', () => {
  it('has documented items with ids, categories and commands', () => {
    const items = readBenignCorpus();
    expect(items.length).toBeGreaterThanOrEqual(25);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(new Set(items.map((i) => i.category))).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    for (const category of ['package install', 'service management', 'cron maintenance', 'container build', 'CI shell', 'git', 'compiler']) expect(items.map((i) => i.category)).toContain(category);
  });
});
