// --out and rewritten rules files (issue 8, item 4): everything rendered, written to temporary names,
// then renamed; a failure leaves --out as it was with no temporary file; stale temporaries of a killed
// run are cleaned; an --out that cannot hold files is refused before any work; lint --fix follows
// symlinks and refuses read-only files.
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs } from '../../src/output.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { deadPid } from '../helpers/processes.js';

const MINI = 'test/fixtures/attack/mini-bundle-2.0.json';
const RULES = 'test/fixtures/rules/conventional.yaml';
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-out-'));

describe('writeOutputs', () => {
  it('a file that cannot be written removes every temporary file and changes nothing', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'a.json'), 'previous\n');
    await writeFile(path.join(out, 'x'), 'a file where a directory is needed');
    await expect(writeOutputs(out, [{ name: 'a.json', content: 'new\n' }, { name: 'x/b.json', content: 'b\n' }])).rejects.toThrow(/cannot create the output directory/);
    expect((await readdir(out)).sort()).toEqual(['a.json', 'x']);
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('previous\n');
  });

  it('a name taken by a directory stops the run before any rename', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'a.json'), 'previous\n');
    await mkdir(path.join(out, 'b.json'));
    await expect(writeOutputs(out, [{ name: 'a.json', content: 'new\n' }, { name: 'b.json', content: 'b\n' }])).rejects.toThrow(/b\.json: is a directory; nothing was written/);
    expect((await readdir(out)).sort()).toEqual(['a.json', 'b.json']);
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('previous\n');
  });

  it('renders a lazy output when its turn comes; one that throws after another was written changes nothing', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'a.json'), 'previous\n');
    const order: string[] = [];
    const failing = () => {
      order.push('b rendered');
      throw new Error('reporter bug');
    };
    const first = () => {
      order.push('a rendered');
      return 'new\n';
    };
    await expect(writeOutputs(out, [{ name: 'a.json', content: first }, { name: 'b.json', content: failing }])).rejects.toThrow(/reporter bug/);
    expect(order).toEqual(['a rendered', 'b rendered']);
    expect((await readdir(out)).sort()).toEqual(['a.json']); // no temporary left, b.json never created
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('previous\n');
    await writeOutputs(out, [{ name: 'a.json', content: first }, { name: 'b.json', content: 'b\n' }]);
    expect(await readFile(path.join(out, 'a.json'), 'utf8')).toBe('new\n');
  });

  it('removes stale temporaries of a killed run, and nothing else', async () => {
    const out = await tempDir();
    const stale = path.join(out, `report.json.${deadPid()}.deadbeef.tmp`);
    await writeFile(stale, 'half a report');
    await utimes(stale, new Date(2020, 0, 1), new Date(2020, 0, 1));
    await writeFile(path.join(out, 'notes.tmp'), 'not ours');
    await writeOutputs(out, [{ name: 'report.json', content: '{}\n' }]);
    expect((await readdir(out)).sort()).toEqual(['notes.tmp', 'report.json']);
  });
});

describe('--out that cannot hold files', () => {
  it('under /proc: refused before loading anything', async () => {
    const started = Date.now();
    expectOneLineError(await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', '/proc/self/attack-cov']), /^error: --out \/proc\/self\/attack-cov: refusing to write into \/proc$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an existing file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'report'), 'x');
    expectOneLineError(await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', path.join(dir, 'report')]), /report: exists and is not a directory$/);
    expectOneLineError(await runCli(['draft', 'T1529', '--attack', MINI, '--rules', RULES, '--out', path.join(dir, 'report')]), /report: exists and is not a directory$/);
  });

  it('a report whose summary.md name is taken by a directory leaves report.json as it was', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'report.json'), 'previous run\n');
    await mkdir(path.join(out, 'summary.md'));
    expectOneLineError(await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', out]), /summary\.md: is a directory; nothing was written$/);
    expect(await readFile(path.join(out, 'report.json'), 'utf8')).toBe('previous run\n');
    expect((await readdir(out)).sort()).toEqual(['report.json', 'summary.md']);
  });
});

describe('lint --fix', () => {
  const fixable = '- rule: Shell\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  tags: [technique_id=T1059, mitre_execution]\n';

  it('through a symlink fixes the target and keeps the link', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'real.yaml'), fixable);
    await symlink('real.yaml', path.join(dir, 'link.yaml'));
    const result = await runCli(['lint', '--attack', path.resolve(MINI), '--rules', 'link.yaml', '--fix'], { cwd: dir });
    expect(result.stderr).toMatch(/^fixed 1 finding\(s\) in 1 file\(s\)/);
    expect((await lstat(path.join(dir, 'link.yaml'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(dir, 'link.yaml'))).toBe('real.yaml');
    expect(await readFile(path.join(dir, 'real.yaml'), 'utf8')).toMatch(/tags: \[T1059, mitre_execution\]/);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['link.yaml', 'real.yaml']));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a read-only file and changes no file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a.yaml'), fixable);
    await writeFile(path.join(dir, 'b.yaml'), fixable.replace('Shell', 'Shell 2'));
    await chmod(path.join(dir, 'b.yaml'), 0o444);
    const result = await runCli(['lint', '--attack', path.resolve(MINI), '--rules', 'a.yaml', 'b.yaml', '--fix'], { cwd: dir });
    // Named as findings name it, not by its absolute path.
    expectOneLineError(result, /^error: b\.yaml: is read-only; not changed$/);
    expect(result.stderr).toContain('\nhint: make it writable (chmod u+w) so that it can be rewritten\n');
    expect(await readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe(fixable);
    expect(await readFile(path.join(dir, 'b.yaml'), 'utf8')).toBe(fixable.replace('Shell', 'Shell 2'));
  });
});

describe('every output is made from the report alone', () => {
  // The design's contract: reporters read the CoverageReport and nothing else. bench/outputs-alone.mjs relies
  // on it to measure what writing the outputs costs by itself; here a threat profile adds its own layer.
  it('writeReport on report.json read back writes the bytes the run wrote', async () => {
    const dir = await tempDir();
    const run = path.join(dir, 'run');
    const result = await runCli(['report', '--threat', 'TeamTNT', '--out', run, '-q'], { env: { SOURCE_DATE_EPOCH: '1767225600' } });
    expect(result.code).toBe(0);
    const { writeReport } = await import('../../src/run/report.js');
    const { selectReporters } = await import('../../src/report/registry.js');
    const again = path.join(dir, 'again');
    await writeReport(JSON.parse(await readFile(path.join(run, 'report.json'), 'utf8')), selectReporters(undefined), again, 'count');
    const names = (await readdir(run, { recursive: true })).sort();
    expect(names).toContain('layer-teamtnt.json');
    expect((await readdir(again, { recursive: true })).sort()).toEqual(names);
    for (const name of names) expect(await readFile(path.join(again, name), 'utf8'), name).toBe(await readFile(path.join(run, name), 'utf8'));
  }, 30_000);
});
