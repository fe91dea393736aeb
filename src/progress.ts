// Download progress on stderr, only when stderr is a terminal (CI logs stay clean).
export function downloadProgress(stream: NodeJS.WriteStream, label = 'downloading'): ((received: number, total: number | undefined) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (received, total) => {
    const now = Date.now();
    const isDone = total !== undefined && received >= total;
    if (!isDone && now - last < 100) return;
    last = now;
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const amount = total ? `${mb(received)} / ${mb(total)} MB (${Math.floor((100 * received) / total)}%)` : `${mb(received)} MB`;
    stream.write(`\r\u001b[2K${label} ${amount}${isDone ? '\n' : ''}`);
  };
}
