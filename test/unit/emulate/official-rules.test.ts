// The emulator on the official rules themselves (embedded, no download): their lists and macros read as Falco
// reads them. rfc_1918_addresses writes its items with their own quotes ('"10.0.0.0/8"'), which Falco pastes
// into the condition as quoted strings, so "Disallowed SSH Connection Non Standard Port" (through the outbound
// macro's `not fd.snet in (rfc_1918_addresses)`) skips a private address and fires on a public one.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Procedure } from '../../../src/emulate/procedures.js';
import { compileRules, emulateProcedure, type CompiledRule } from '../../../src/emulate/run-rules.js';
import type { ShellParser } from '../../../src/emulate/shell-ast.js';
import { loadShellParser } from '../../../src/emulate/shell-parse.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';
import { loadRules } from '../../../src/falco/load.js';
import { repoRoot } from '../../helpers/paths.js';

const SSH_RULE = 'Disallowed SSH Connection Non Standard Port';
let parse: ShellParser;
let rules: CompiledRule[];
beforeAll(async () => {
  parse = await loadShellParser();
  const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
  const { ruleset } = await loadRules(['official'], { cacheRoot, cwd: repoRoot, download: { attempts: 1, timeoutMs: 50 } });
  rules = compileRules(ruleset, (r) => r.name === SSH_RULE).rules;
});

const firing = (command: string): string[] => {
  const procedure: Procedure = { id: 'p', technique: 'T1021.004', name: 'ssh', executor: 'sh', command, kind: 'atomic' };
  return emulateProcedure(procedure, rules, readEmulationTables(), parse).fired.map((f) => `${f.rule} (${f.context})`);
};

describe('the official rules in the emulator', () => {
  it('reads rfc_1918_addresses\' self-quoted items as the networks they name', () => {
    expect(rules.map((r) => r.name)).toEqual([SSH_RULE]);
    expect(firing('ssh -p 443 user@10.1.2.3')).toEqual([]);
    expect(firing('ssh -p 443 user@8.8.8.8')).toEqual([`${SSH_RULE} (host)`, `${SSH_RULE} (container)`]);
  });
});
