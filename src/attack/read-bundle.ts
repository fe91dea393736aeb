// Reads and normalizes one ATT&CK bundle file (plain or gzip), streamed (see stix-stream.ts). Loaded only
// when a bundle is parsed: a warm run takes its catalog from the parse cache and never loads this module,
// the splitter or the normalizer (~4 ms of module loading).
import { versionInFileName } from './version-name.js';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import { describeFsError, kindOf, readFailure } from '../regular-file.js';
import { describeSize, limits } from '../limits.js';
import { stixShapeProblem } from './stix-shape.js';
import { jsonErrorAt } from '../json-file.js';
import { NotABundleError, StixBundleSplitter, peekStixType, readRelationshipFields } from './stix-stream.js';
import { NEEDED_RELATIONSHIPS, NEEDED_TYPES, normalizeBundle, slimStixObject, type StixObject } from './normalize.js';
import type { Catalog } from './types.js';
import { shownUrl } from '../net/url.js';

const GZIP_MAGIC = [0x1f, 0x8b];

/** A file that is no bundle at all (another JSON, a rules file), with its own class: a command that takes something else
 * besides (cache add) says so in its hint instead. */
export class NotABundleFileError extends InputError {
  constructor(label: string, detail: string) {
    super(label, detail, 'pass an ATT&CK Enterprise bundle, e.g. --attack 18.1');
  }
}

/** Reads and normalizes one bundle file (plain or gzip). `label` names it in errors; a `knownSha256` is not computed again. */
export async function readBundleFile(file: string, label: string, versionHint?: string, knownSha256?: string): Promise<{ catalog: Catalog; sha256: string }> {
  const types = NEEDED_TYPES;
  // Widened so that a relationship without relationship_type is looked up as it is (and not found).
  const relationships: ReadonlySet<string | undefined> = NEEDED_RELATIONSHIPS;
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  // `--attack 18` or `--attack 17.1.0`: a version in another form than ATT&CK's major.minor, taken as a file name.
  const hint = /^v?\d+(?:\.\d+){2,}$|^v?\d+$/.test(label) ? `${label} is no file; ATT&CK versions are written major.minor, such as 18.1 or 17.1 (attack-cov cache list shows those stored here)` : 'pass a STIX bundle file, a URL, or a version such as 18.1';
  if (info instanceof Error) {
    // `--attack admin:pw@host/x.json`, its scheme forgotten, is no file: named without what reads as its password.
    const shown = /^[^/@]*:[^/]*@/.test(label) ? shownUrl(label) : label;
    throw new InputError(shown, readFailure(info), shown === label ? hint : 'a URL needs its scheme: https://…');
  }
  if (!info.isFile()) throw new InputError(label, `${kindOf(info)}, not a bundle file`, hint);
  checkBundleSize(info.size, label);
  const objects: StixObject[] = [];
  /** The first element that is no JSON: why, and the offset in the (decompressed) bytes where JSON.parse gave up. */
  let badElement: { problem: string; offset: number } | undefined;
  let badShape: string | undefined;
  const splitter = new StixBundleSplitter((element, offset) => {
    const type = peekStixType(element);
    if (type !== undefined && !types.has(type)) return;
    try {
      const object = ((type === 'relationship' && readRelationshipFields(element)) || JSON.parse(element.toString('utf8'))) as StixObject;
      const problem = stixShapeProblem(object);
      if (problem) {
        badShape ??= problem;
        return;
      }
      if (!types.has(object.type)) return;
      if (object.type === 'relationship' && !relationships.has(object.relationship_type)) return;
      objects.push(slimStixObject(object));
    } catch {
      if (badElement) return;
      const source = element.toString('utf8');
      const at = jsonErrorAt(source);
      badElement = { problem: at.problem, offset: offset + Buffer.byteLength(source.slice(0, at.offset)) };
    }
  });
  const isGzip = await firstBytesAre(file, GZIP_MAGIC).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(label, `cannot read: ${describeFsError(error)}`);
  });
  // A known sha256 is returned as given: the file is hashed only when it is not known.
  const hash = knownSha256 === undefined ? createHash('sha256') : undefined;
  try {
    if (isGzip) await feedGzip(file, (chunk) => splitter.feed(chunk), hash);
    else feedPlain(file, (chunk) => splitter.feed(chunk), hash);
  } catch (error) {
    if (error instanceof BundleTooLarge) throw new InputError(label, error.detail, error.hint);
    if (error instanceof NotABundleError) throw new NotABundleFileError(label, `not an ATT&CK bundle: ${error.message}`);
    throw new InputError(label, `cannot read${isGzip ? ' gzip data' : ''}: ${(error as Error).message}`, isGzip ? 'the gzip file is truncated or damaged; download it again' : undefined);
  }
  if (badElement) {
    // Named at its line and column in the file (as read, gzip inflated), found again only now that it is needed.
    const { line, column } = await lineAndColumnAt(file, isGzip, badElement.offset);
    throw new InputError(`${label}:${line}:${column}`, `not valid JSON: ${badElement.problem}`, 'the bundle is damaged there: download it again, or use the bundle as MITRE publishes it');
  }
  if (badShape) throw new InputError(label, `not a usable ATT&CK bundle: ${badShape}`, 'use the bundle as MITRE publishes it');
  // A JSON object was begun and the text ended inside it: a download or copy cut short, not some other file.
  if (!splitter.isComplete() && /^\s*\{\s*"/.test(splitter.skeletonText())) throw new InputError(label, 'truncated: the JSON ends inside the bundle', 'the file was cut short; download or copy it again');
  let bundle: { type?: unknown; spec_version?: string; objects?: unknown } | undefined;
  try {
    bundle = splitter.isComplete() ? JSON.parse(splitter.skeletonText()) : undefined;
  } catch {
    // Not JSON: no bundle (below).
  }
  if (!bundle || bundle.type !== 'bundle' || !Array.isArray(bundle.objects)) {
    throw new NotABundleFileError(label, 'not a STIX bundle (expected a JSON object with "type": "bundle" and an "objects" array)');
  }
  const version = versionHint ?? versionInFileName(label);
  const catalog = normalizeBundle({ objects, bundleSpecVersion: bundle.spec_version, versionHint: version, source: label });
  return { catalog, sha256: hash ? hash.digest('hex') : knownSha256! };
}

const CHUNK_BYTES = 1 << 20;

/** Line and column (1-based, in characters) of the byte at `offset` of the file, as read (a gzip inflated). */
async function lineAndColumnAt(file: string, isGzip: boolean, offset: number): Promise<{ line: number; column: number }> {
  let line = 1;
  let column = 1;
  let seen = 0;
  const onChunk = (chunk: Buffer) => {
    const end = Math.min(chunk.length, offset - seen);
    for (let i = 0; i < end; i++) {
      if (chunk[i] === 0x0a) {
        line++;
        column = 1;
      } else if ((chunk[i]! & 0xc0) !== 0x80) column++; // a UTF-8 continuation byte is no character of its own
    }
    seen += chunk.length;
  };
  if (isGzip) await feedGzip(file, onChunk, undefined);
  else feedPlain(file, onChunk, undefined);
  return { line, column };
}

class BundleTooLarge extends InputError {}

/** limits.maxBundleBytes, for a plain file's size and for what a gzip inflates to. */
function checkBundleSize(bytes: number, label: string, how = ''): void {
  if (bytes > limits.maxBundleBytes) {
    throw new BundleTooLarge(label, `larger than the ${describeSize(limits.maxBundleBytes)} an ATT&CK bundle may be${how ? ` ${how}` : ''} (ATT&CK 18.1 is about 45 MB)`, 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine');
  }
}

/** Reads a plain file in 1 MiB chunks into one reused buffer (no per-chunk garbage), into `hash` as well. */
function feedPlain(file: string, onChunk: (chunk: Buffer) => void, hash: Hash | undefined): void {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      const chunk = buffer.subarray(0, n);
      hash?.update(chunk);
      onChunk(chunk); // must not keep `chunk`: the buffer is reused (StixBundleSplitter copies what it keeps)
    }
  } finally {
    closeSync(fd);
  }
}

/** Streams a gzip file through gunzip; `hash` gets the compressed bytes as stored. */
async function feedGzip(file: string, onChunk: (chunk: Buffer) => void, hash: Hash | undefined): Promise<void> {
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash?.update(chunk);
      done(null, chunk);
    },
  });
  let inflated = 0;
  let stopped: unknown;
  try {
    // Stryker disable next-line ObjectLiteral: the read size only changes how the same bytes are cut into chunks for the hash and gunzip
    await pipeline(createReadStream(file, { highWaterMark: CHUNK_BYTES }), hasher, createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        try {
          // A gzip bomb inflates a few KB into gigabytes: stop at the cap, whatever the compressed size.
          inflated += chunk.length;
          checkBundleSize(inflated, file, 'once decompressed');
          onChunk(chunk);
        } catch (error) {
          stopped = error;
          throw error;
        }
      }
    });
  } catch (error) {
    // The pipeline reports its own abort rather than the reason it was stopped.
    throw stopped ?? error;
  }
}

async function firstBytesAre(file: string, magic: number[]): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(magic.length), 0, magic.length, 0);
    return magic.every((b, i) => buffer[i] === b);
  } finally {
    await handle.close();
  }
}
