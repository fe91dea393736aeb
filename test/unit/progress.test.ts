// src/progress.ts on a stand-in terminal stream: the progress line is always finished, with the newest figure,
// when a download ends without a length or fails; a pipe gets nothing.
import { describe, expect, it } from 'vitest';
import { downloadProgress } from '../../src/progress.js';

function terminal(isTTY = true): { stream: NodeJS.WriteStream; written: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (text: string) => chunks.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written: () => chunks.join('') };
}

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
});
