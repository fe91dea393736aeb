// src/regular-file.ts, the guard every file input is read through: what a path that is no regular file is called (a
// FIFO and a socket made here, /dev/null, a directory, and kindOf's other answers from stats), the caller's words for a
// missing file, the cap (a file of exactly maxBytes is read; /proc/self/status, whose size reads 0, is capped by what it
// holds), a read that fails (/proc/self/mem at address 0: EIO) and no descriptor left open. A file whose size reads 0
// but holds more than the first 64 KiB read cannot be made on demand, so fstatSync is made to report 0 for those tests.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { thrown } from '../helpers/errors.js';
import { kindOf, openRegularFile, readRegularFile, readRegularText, type FileRole } from '../../src/regular-file.js';

const sizeReadsZero = vi.hoisted(() => ({ on: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fstatSync = ((fd: number) => {
    const info = fs.fstatSync(fd);
    return sizeReadsZero.on ? Object.assign(Object.create(Object.getPrototypeOf(info) as object) as Stats, info, { size: 0 }) : info;
  }) as typeof fs.fstatSync;
  return { ...fs, fstatSync, default: { ...fs, fstatSync } };
});

const ROLE: FileRole = { what: 'a rules file', maxBytes: 1000, raiseHint: 'raise the cap', hint: 'pass rules files' };
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-regular-file-'));
const openFds = async () => (await readdir('/proc/self/fd')).length;
const failure = (run: () => unknown): InputError => thrown(run, InputError);
const read = (file: string, role: Partial<FileRole> = {}) => readRegularFile(file, 'shown.yaml', { ...ROLE, ...role });

describe('kindOf', () => {
  const stats = (kind: string) => ({
    isFIFO: () => kind === 'fifo', isCharacterDevice: () => kind === 'chr', isBlockDevice: () => kind === 'blk',
    isSocket: () => kind === 'sock', isDirectory: () => kind === 'dir', isFile: () => false,
  }) as Stats;
  it.each([
    ['fifo', 'a FIFO (named pipe)'], ['chr', 'a character device'], ['blk', 'a block device'], ['sock', 'a socket'],
    ['dir', 'a directory'], ['other', 'not a regular file'],
  ])('calls %s %s', (kind, words) => expect(kindOf(stats(kind))).toBe(words));
});

describe('readRegularFile: what is no regular file', () => {
  it('says what the path is and what it should be, with the hint, without waiting for a FIFO\'s writer', async () => {
    const dir = await tempDir();
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    for (const [file, kind] of [[fifo, 'a FIFO (named pipe)'], ['/dev/null', 'a character device'], [dir, 'a directory']] as const) {
      expect(failure(() => read(file))).toMatchObject({ message: `shown.yaml: cannot read: ${kind}, not a rules file`, hint: 'pass rules files' });
    }
    expect(failure(() => read(fifo, { cannotRead: 'cannot load' })).message).toBe('shown.yaml: cannot load: a FIFO (named pipe), not a rules file');
  });

  it('calls a socket a socket, though it cannot be opened at all (ENXIO)', async () => {
    const socket = path.join(await tempDir(), 'rules.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(failure(() => read(socket)).message).toBe('shown.yaml: cannot read: a socket, not a rules file');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('readRegularFile: a path that cannot be opened', () => {
  it('calls a missing file what the role calls it, else "no such file or directory"; other errors by their reason', async () => {
    const dir = await tempDir();
    const missing = path.join(dir, 'missing.yaml');
    expect(failure(() => read(missing, { missing: 'no such rules file' }))).toMatchObject({ message: 'shown.yaml: no such rules file', hint: 'pass rules files' });
    expect(failure(() => read(missing)).message).toBe('shown.yaml: cannot read: no such file or directory');
    await writeFile(path.join(dir, 'file.yaml'), 'x');
    expect(failure(() => read(path.join(dir, 'file.yaml', 'r.yaml'), { missing: 'no such rules file' })).message)
      .toBe('shown.yaml: cannot read: a path component is not a directory');
  });

  it('openRegularFile throws the open\'s own error for a missing file', async () => {
    const missing = path.join(await tempDir(), 'missing.yaml');
    expect(() => openRegularFile(missing)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'open' }));
  });
});

describe('readRegularText: UTF-16 refused, with how to convert it', () => {
  it('refuses a UTF-16 file (with or without a byte order mark) naming the encoding and the role, and reads UTF-8', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'le.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('- rule: A\n', 'utf16le')]));
    await writeFile(path.join(dir, 'be.yaml'), Buffer.from('- rule: A\n', 'utf16le').swap16());
    await writeFile(path.join(dir, 'utf8.yaml'), '- rule: Ä\n');
    for (const [file, encoding] of [['le.yaml', 'UTF-16LE'], ['be.yaml', 'UTF-16BE']]) {
      const error = thrown(() => readRegularText(path.join(dir, file!), `shown/${file}`, ROLE), InputError);
      expect(error).toMatchObject({ message: `shown/${file}: ${encoding} text; attack-cov reads a rules file as UTF-8`, hint: expect.stringMatching(/^save it as UTF-8 \(PowerShell: /) });
    }
    expect(readRegularText(path.join(dir, 'utf8.yaml'), 'utf8.yaml', ROLE)).toBe('- rule: Ä\n');
  });
});

describe('readRegularFile: the cap', () => {
  it('reads a file of exactly maxBytes, down to one byte', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'one.yaml'), 'x');
    await writeFile(path.join(dir, 'five.yaml'), 'abcde');
    expect(readRegularText(path.join(dir, 'one.yaml'), 'one.yaml', { ...ROLE, maxBytes: 1 })).toBe('x');
    expect(readRegularText(path.join(dir, 'five.yaml'), 'five.yaml', { ...ROLE, maxBytes: 5 })).toBe('abcde');
    expect(failure(() => read(path.join(dir, 'five.yaml'), { maxBytes: 4 }))).toMatchObject({
      message: 'shown.yaml: is 5 bytes, which is more than the 4 bytes a rules file may have', hint: 'raise the cap',
    });
  });

  it('caps a file whose size reads 0 (as /proc\'s do) by what it holds', () => {
    expect(failure(() => read('/proc/self/status', { maxBytes: 100 }))).toMatchObject({
      message: 'shown.yaml: its content is more than the 100 bytes a rules file may have', hint: 'raise the cap',
    });
    expect(read('/proc/self/status', { maxBytes: 64 * 1024 }).toString()).toMatch(/^Name:/);
  });

  it('reads a file whose size reads 0 past its first 64 KiB, whole up to the cap and refused one byte over it', async () => {
    const dir = await tempDir();
    const write = async (name: string, bytes: number) => {
      const file = path.join(dir, name);
      await writeFile(file, Buffer.alloc(bytes, 'a'));
      return file;
    };
    const large = await write('large.yaml', 100_000);
    const exact = await write('exact.yaml', 131_072);
    sizeReadsZero.on = true;
    try {
      expect(read(large, { maxBytes: 200_000 }).length).toBe(100_000);
      expect(read(large, { maxBytes: 100_000 }).length).toBe(100_000);
      expect(failure(() => read(large, { maxBytes: 99_999 })).message).toBe('shown.yaml: its content is more than the 99999 bytes a rules file may have');
      // Grown by doubling from 64 KiB, the buffer is exactly the cap when it fills.
      expect(read(exact, { maxBytes: 131_072 }).length).toBe(131_072);
    } finally {
      sizeReadsZero.on = false;
    }
  });
});

describe('readRegularFile: a read that fails', () => {
  it('is "cannot read" with the reason and the hint, and leaves no descriptor open, as every other end does', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'folder'));
    await writeFile(path.join(dir, 'big.yaml'), 'x'.repeat(2000));
    await writeFile(path.join(dir, 'ok.yaml'), 'ok');
    const before = await openFds();
    // /proc/self/mem is a regular file that opens, whose read at address 0 fails with EIO.
    expect(failure(() => read('/proc/self/mem'))).toMatchObject({ message: 'shown.yaml: cannot read: EIO', hint: 'pass rules files' });
    expect(failure(() => read('/proc/self/status', { maxBytes: 100 }))).toBeInstanceOf(InputError);
    expect(failure(() => read(path.join(dir, 'big.yaml')))).toBeInstanceOf(InputError);
    expect(read(path.join(dir, 'ok.yaml')).toString()).toBe('ok');
    expect(await openFds()).toBe(before);
  });
});
