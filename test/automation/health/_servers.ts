import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

/** What a fake server answers to one path. "hang" keeps the request open without answering. */
export type Reply =
  { status?: number; json?: unknown; text?: string; headers?: Record<string, string> } | "hang";

/** A route: a fixed reply, or one computed from the request. */
export type Route = Reply | ((req: http.IncomingMessage, url: URL) => Reply);

/** A server a test started on 127.0.0.1. */
export interface TestServer {
  /** Base URL, e.g. "http://127.0.0.1:40123". */
  url: string;
  port: number;
  /** Path and query of every request received, in order. */
  requests: string[];
  /** Authorization header of every request received, in order. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** The test-only certificate for 127.0.0.1 (valid 2000-2099, self-signed, in fixtures/). */
export function testCertificate(): { cert: string; key: string } {
  // dist/test/automation/health -> the source tree's fixtures (not copied by tsc).
  const dir = path.resolve(__dirname, "../../../../test/automation/health/fixtures");
  return {
    cert: readFileSync(path.join(dir, "test-only-127.0.0.1.crt"), "utf8"),
    key: readFileSync(path.join(dir, "test-only-127.0.0.1.key"), "utf8"),
  };
}

/**
 * Starts an HTTP (or HTTPS) server on 127.0.0.1 that answers from `routes` (keyed by path without
 * the query string) and with `fallback` otherwise. Hanging requests are cut when it closes.
 */
export async function startServer(
  routes: Record<string, Route>,
  opts: { tls?: boolean; fallback?: Route } = {},
): Promise<TestServer> {
  const requests: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(`${url.pathname}${url.search}`);
    authorizations.push(req.headers.authorization);
    const route = routes[url.pathname] ?? opts.fallback ?? { status: 404, text: "not found" };
    const reply = typeof route === "function" ? route(req, url) : route;
    if (reply === "hang") return;
    send(res, reply);
  };
  const server = opts.tls
    ? https.createServer(testCertificate(), handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, reply: Exclude<Reply, "hang">): void {
  const status = reply.status ?? 200;
  if (reply.json !== undefined) {
    res.writeHead(status, { "content-type": "application/json", ...reply.headers });
    res.end(JSON.stringify(reply.json));
  } else {
    res.writeHead(status, { "content-type": "text/plain", ...reply.headers });
    res.end(reply.text ?? "");
  }
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
