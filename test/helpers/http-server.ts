// A real HTTP server on 127.0.0.1 for download tests: each route is a handler over a counter of calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (request: http.IncomingMessage, response: http.ServerResponse, call: number) => void;

export interface TestServer {
  url: (path: string) => string;
  calls: (path: string) => number;
  /** When each request to `path` arrived (ms, monotonic clock): timing tests read the gaps the server saw. */
  arrivals: (path: string) => number[];
  close: () => Promise<void>;
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const counts = new Map<string, number>();
  const arrivals = new Map<string, number[]>();
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    arrivals.set(path, [...(arrivals.get(path) ?? []), performance.now()]);
    const call = (counts.get(path) ?? 0) + 1;
    counts.set(path, call);
    const route = routes[path];
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    route(request, response, call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    calls: (path) => counts.get(path) ?? 0,
    arrivals: (path) => arrivals.get(path) ?? [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `body` whole. */
export const serve =
  (body: Buffer, type = 'application/json'): Route =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
  };

/** Announces the whole length, sends part of the body, then drops the connection. */
export const dropMidway =
  (body: Buffer, fraction = 0.5): Route =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.write(body.subarray(0, Math.floor(body.length * fraction)), () => response.socket?.destroy());
  };
