// src/progress.ts on a stand-in terminal stream: the progress line is always finished, with the newest figure,
// when a download ends without a length or fails; a pipe gets nothing. The throttle (one update per 100 ms) is
// checked on a set clock (vitest's fake Date), never by waiting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadProgress } from '../../src/progress.js';

function terminal(isTTY = true): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (text: string) => chunks.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written: () => chunks.join('') };
}

const LINE = '\r\u001b[2Kdownloading';

afterEach(() => {
  vi.useRealTimers();
});

describe('downloadProgress', () => {
  it('ends a line without a total with a newline when the download ends', () => {
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgress!(100_000, undefined);
    progress.onProgressEnd!();
    expect(written()).toBe('\r\u001b[2Kdownloading 0.1 MB\n');
  });

  it('shows the newest figure the throttle held back, then ends the line (a failed download)', () => {
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgress!(100_000, 40_000_000);
    progress.onProgress!(3_000_000, 40_000_000);
    progress.onProgressEnd!();
    expect(written()).toBe('\r\u001b[2Kdownloading 0.1 / 40.0 MB (0%)\r\u001b[2Kdownloading 3.0 / 40.0 MB (7%)\n');
  });

  it('adds nothing after a completed download, and nothing when nothing was shown', () => {
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgressEnd!();
    expect(written()).toBe('');
    progress.onProgress!(10, 10);
    progress.onProgressEnd!();
    expect(written()).toBe('\r\u001b[2Kdownloading 0.0 / 0.0 MB (100%)\n');
  });

  it('gives no callbacks for a stream that is no terminal', () => {
    expect(downloadProgress(terminal(false).stream)).toEqual({});
  });

  it('shows at most one figure per 100 ms, the 100th ms included, and keeps the newest one held back', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgress!(1_000_000, 10_000_000);
    vi.setSystemTime(1_000_099);
    progress.onProgress!(2_000_000, 10_000_000);
    expect(written()).toBe(`${LINE} 1.0 / 10.0 MB (10%)`);
    vi.setSystemTime(1_000_100);
    progress.onProgress!(3_000_000, 10_000_000);
    expect(written()).toBe(`${LINE} 1.0 / 10.0 MB (10%)${LINE} 3.0 / 10.0 MB (30%)`);
  });

  it('shows the last figure of a completed download at once, inside the 100 ms, with the line ended', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgress!(1_000_000, 2_000_000);
    vi.setSystemTime(1_000_001);
    // Ended before onProgressEnd comes (the download is then checked and parsed, which takes a while).
    progress.onProgress!(2_000_000, 2_000_000);
    expect(written()).toBe(`${LINE} 1.0 / 2.0 MB (50%)${LINE} 2.0 / 2.0 MB (100%)\n`);
  });

  it('ends each download\'s line once when one progress serves several downloads (the index, then the bundle)', () => {
    const { stream, written } = terminal();
    const progress = downloadProgress(stream);
    progress.onProgress!(100_000, undefined);
    progress.onProgressEnd!();
    // The second download fails before its first byte.
    progress.onProgressEnd!();
    expect(written()).toBe(`${LINE} 0.1 MB\n`);
  });
});
