// Atomic Red Team's IDs from a later ATT&CK, in the loaded catalog's numbering: a pair applies only when the
// catalog lacks the atomics' ID and has the target; data/attack-renumbering.json checked against the embedded
// 18.1 bundle and atomics, so that an atomics bump bringing an ID 18.1 lacks fails here, naming it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readBundleFile } from '../../../src/attack/load.js';
import { proceduresOf } from '../../../src/draft/emulate-draft.js';
import { readAtomics } from '../../../src/emulate/procedures.js';
import { emulateAll } from '../../../src/emulate/run-rules.js';
import { loadShellParser } from '../../../src/emulate/shell-parse.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';
import { hasCurrentTechnique, readRenumbering, renumberedIdOf, renumberTechniques, type Renumbering } from '../../../src/emulate/renumbering.js';
import { loadEmulationInputs } from '../../../src/run/emulation.js';
import { BUNDLE_18, embedded } from '../../helpers/paths.js';

/** T9001 is the later version's number for the earlier T1001.001. */
const TABLE: Renumbering = { from: '20', to: '19', ids: [{ from: 'T9001', fromName: 'New', to: 'T1001.001', toName: 'Old' }] };
const catalogOf = (...ids: string[]) => (id: string): boolean => ids.includes(id);

describe('renumberedIdOf', () => {
  it('maps an ID the catalog lacks to the one it has', () => {
    expect(renumberedIdOf('T9001', catalogOf('T1001.001'), TABLE)?.to).toBe('T1001.001');
  });
  it('leaves an ID the catalog has as it is (a bundle of the later version keeps the atomics\' IDs)', () => {
    expect(renumberedIdOf('T9001', catalogOf('T9001', 'T1001.001'), TABLE)).toBeUndefined();
  });
  it('does not map to an ID the catalog lacks too', () => {
    expect(renumberedIdOf('T9001', catalogOf(), TABLE)).toBeUndefined();
  });
});

describe('renumberTechniques', () => {
  it('credits the catalog\'s ID and keeps the atomics\' own; other items are unchanged', () => {
    const items = [{ id: 'a', technique: 'T9001' }, { id: 'b', technique: 'T1003' }, { id: 'c' }];
    expect(renumberTechniques(items, catalogOf('T1001.001', 'T1003'), TABLE)).toEqual([{ id: 'a', technique: 'T1001.001', atomicTechnique: 'T9001' }, { id: 'b', technique: 'T1003' }, { id: 'c' }]);
  });
});

describe('a renumbered procedure\'s result', () => {
  it('keeps the atomics\' own ID beside the catalog\'s; a procedure numbered as the catalog numbers it has none', async () => {
    const procedure = { id: 'p', name: 'p', executor: 'sh', command: 'true', kind: 'atomic' as const };
    const [renumbered, plain] = emulateAll([{ ...procedure, technique: 'T1001.001', atomicTechnique: 'T9001' }, { ...procedure, technique: 'T1003' }], [], readEmulationTables(), await loadShellParser());
    expect(renumbered).toMatchObject({ technique: 'T1001.001', atomicTechnique: 'T9001' });
    expect(plain).not.toHaveProperty('atomicTechnique');
  });
});

describe('data/attack-renumbering.json on the embedded data', async () => {
  const { catalog } = await readBundleFile(BUNDLE_18, BUNDLE_18);
  const has = hasCurrentTechnique(catalog);
  const atomicsDir = embedded('atomic-red-team', 'atomics');
  const displayName = (id: string): string => String((parse(readFileSync(`${atomicsDir}/${id}/${id}.yaml`, 'utf8')) as { display_name: unknown }).display_name);

  it('maps IDs 18.1 lacks, named as the atomics name them, to current 18.1 techniques of the stated name', () => {
    const table = readRenumbering();
    expect(table.to).toBe(catalog.version);
    for (const pair of table.ids) {
      expect(has(pair.from), pair.from).toBe(false);
      expect(displayName(pair.from), pair.from).toBe(pair.fromName);
      expect(has(pair.to), pair.to).toBe(true);
      expect(catalog.techniques.get(pair.to)!.name, pair.to).toBe(pair.toName);
    }
  });
  it('leaves no embedded atomic technique that 18.1 has under neither ID', () => {
    const table = readRenumbering();
    const ids = readdirSync(atomicsDir).filter((d) => d.startsWith('T'));
    expect(ids.filter((id) => !has(id) && !renumberedIdOf(id, has, table))).toEqual([]);
  });
  it('credits the v19-numbered atomics to 18.1 IDs: "Overwrite Linux Log" (T1685.006) is T1070.002\'s', async () => {
    const inputs = await loadEmulationInputs(has);
    expect(inputs.procedures.find((p) => p.name === 'Overwrite Linux Log')).toMatchObject({ technique: 'T1070.002', atomicTechnique: 'T1685.006' });
    expect(inputs.procedures.filter((p) => !has(p.technique!))).toEqual([]);
    expect(inputs.procedures.length).toBe(readAtomics().procedures.length);
    // draft's must-fire check runs on these inputs: without them a T1562.001 draft had no procedure and skipped it.
    expect(proceduresOf('T1562.001', inputs.procedures).length).toBe(18);
  });
});
