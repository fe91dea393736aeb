// Download progress on stderr, only when stderr is a terminal (CI logs stay clean).
import type { DownloadOptions } from './net/download.js';

/** The progress callbacks for a download (none when `stream` is no terminal). The line is always finished: with the last
 * figure and a newline when the download ends, whether it completed, had no length or failed, so nothing printed next
 * (an `error:` line) runs onto it. */
export function downloadProgress(stream: NodeJS.WriteStream, label = 'downloading'): Pick<DownloadOptions, 'onProgress' | 'onProgressEnd'> {
  if (!stream.isTTY) return {};
  let last = 0;
  let isLineOpen = false;
  /** The newest figures, when the throttle kept them from the screen. */
  let unshown: [number, number | undefined] | undefined;
  const show = (received: number, total: number | undefined, isDone: boolean): void => {
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const amount = total ? `${mb(received)} / ${mb(total)} MB (${Math.floor((100 * received) / total)}%)` : `${mb(received)} MB`;
    stream.write(`\r\u001b[2K${label} ${amount}${isDone ? '\n' : ''}`);
    isLineOpen = !isDone;
    unshown = undefined;
  };
  return {
    onProgress: (received, total) => {
      const now = Date.now();
      const isDone = total !== undefined && received >= total;
      if (!isDone && now - last < 100) {
        unshown = [received, total];
        return;
      }
      last = now;
      show(received, total, isDone);
    },
    onProgressEnd: () => {
      if (unshown) show(...unshown, true);
      else if (isLineOpen) stream.write('\n');
      isLineOpen = false;
    },
  };
}
