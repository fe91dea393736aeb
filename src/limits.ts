// Size and time limits on untrusted input, with their defaults and the environment variables that
// override them. Set once by the CLI (configureLimits); read by the loaders, the downloader, the LLM client.
import { UsageError } from './errors.js';

export interface Limits {
  /** Largest rules file read, in bytes (ATTACK_COV_MAX_RULES_BYTES). */
  maxRulesBytes: number;
  /** Largest ATT&CK bundle, in bytes after gunzip, and largest download (ATTACK_COV_MAX_BUNDLE_BYTES). */
  maxBundleBytes: number;
  /** Overall deadline of one download, all attempts included, in ms (ATTACK_COV_DOWNLOAD_TIMEOUT, seconds). */
  downloadDeadlineMs: number;
  /** Largest HTTP body read from an LLM endpoint, in bytes. */
  maxLlmBodyBytes: number;
  /** Longest model answer accepted (characters); a longer one is refused, never sent back in a repair. */
  maxLlmAnswerChars: number;
}

const MIB = 1024 * 1024;
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRulesBytes: 16 * MIB,
  maxBundleBytes: 256 * MIB,
  downloadDeadlineMs: 300_000,
  maxLlmBodyBytes: 4 * MIB,
  maxLlmAnswerChars: 64 * 1024,
});

export const limits: Limits = { ...DEFAULT_LIMITS };

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MIB, mb: MIB, mib: MIB, g: 1024 * MIB, gb: 1024 * MIB, gib: 1024 * MIB };

/** "16MiB", "16m", "16777216" → bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

function sizeFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`${name} must be a size such as 33554432 or 32MiB, not "${text}"`);
  return bytes;
}

/** Reads the overrides from the environment into `limits`; a value that is not a size is a usage error. */
export function configureLimits(env: NodeJS.ProcessEnv): Limits {
  limits.maxRulesBytes = sizeFrom(env, 'ATTACK_COV_MAX_RULES_BYTES', DEFAULT_LIMITS.maxRulesBytes);
  limits.maxBundleBytes = sizeFrom(env, 'ATTACK_COV_MAX_BUNDLE_BYTES', DEFAULT_LIMITS.maxBundleBytes);
  const seconds = env.ATTACK_COV_DOWNLOAD_TIMEOUT;
  if (seconds !== undefined && seconds !== '') {
    if (!/^\d+(\.\d+)?$/.test(seconds) || Number(seconds) <= 0 || Number(seconds) > 86_400) {
      throw new UsageError(`ATTACK_COV_DOWNLOAD_TIMEOUT must be seconds between 0 and 86400, not "${seconds}"`);
    }
    limits.downloadDeadlineMs = Math.round(Number(seconds) * 1000);
  } else limits.downloadDeadlineMs = DEFAULT_LIMITS.downloadDeadlineMs;
  return limits;
}

/** 16777216 → "16 MiB" for messages. */
export function describeSize(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
