// The emulation tables (data/emulation.yaml): PATH and utility locations, shells, builtins, wrappers,
// utilities' file arguments, network tools, other syscalls, and the host/container contexts.
// Reading the file is the only I/O; the rest is typed data.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { dataPath } from '../paths.js';
import type { ContextName } from './event.js';

export interface WrapperSpec {
  value?: string[];
  positional?: number;
  skipAssignments?: boolean;
}

export interface FileAction {
  op: string;
  args?: 'all' | 'first' | 'last' | 'butLast' | 'butFirst' | 'second';
  option?: string;
  path?: string;
  value?: string[];
  /** Only when this option is given (sed -i, tee -a, shred -u). */
  when?: string;
  suffix?: string;
}

export interface NetworkSpec {
  address: string;
  port?: number;
  host?: string;
  socket?: string;
  value?: string[];
}

export interface SyscallSpec {
  type: string;
  /** Options taking a value (so they are not operands). */
  value?: string[];
  when?: string;
  domain?: string;
}

export interface ContextSpec {
  containerId: string;
  containerName?: string;
  image?: string;
  repository?: string;
  tag?: string;
  ancestors: { name: string; exepath: string; cmdline: string }[];
  tty: number;
  uid: number;
  user: string;
  loginuid: number;
  home: string;
  hostname: string;
}

export interface EmulationTables {
  path: string;
  /** Utility name → the directory it lives in. */
  locations: Map<string, string>;
  shells: Set<string>;
  builtins: Set<string>;
  wrappers: Record<string, WrapperSpec>;
  files: Record<string, FileAction[]>;
  network: Record<string, NetworkSpec>;
  syscalls: Record<string, SyscallSpec>;
  contexts: Record<ContextName, ContextSpec>;
}

interface RawTables extends Omit<EmulationTables, 'locations' | 'shells' | 'builtins'> {
  locations: Record<string, string[]>;
  shells: string[];
  builtins: string[];
}

/** Types the parsed YAML of data/emulation.yaml. */
export function toTables(raw: RawTables): EmulationTables {
  const locations = new Map<string, string>();
  for (const [dir, names] of Object.entries(raw.locations)) for (const name of names) if (!locations.has(name)) locations.set(name, dir);
  return { ...raw, locations, shells: new Set(raw.shells), builtins: new Set(raw.builtins.map(String)) };
}

let cached: EmulationTables | undefined;
export function readEmulationTables(): EmulationTables {
  cached ??= toTables(parse(readFileSync(dataPath('emulation.yaml'), 'utf8')) as RawTables);
  return cached;
}
