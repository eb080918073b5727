import * as http from "node:http";
import * as https from "node:https";

/** A response, with at most `maxBodyBytes` of its body. */
export interface HttpResponse {
  status: number;
  statusText: string;
  body: string;
}

export interface HttpGetOptions {
  /** Aborts the request (and its socket). */
  signal: AbortSignal;
  headers?: http.OutgoingHttpHeaders;
  /** The agent that carries TLS settings (CA, client certificate) or a proxy. */
  agent?: http.Agent;
  /** Body bytes kept; the rest is discarded unread. @default 65536 */
  maxBodyBytes?: number;
  /** Accept any TLS certificate (as Route 53 HTTPS health checks do). @default false */
  anyCertificate?: boolean;
}

/**
 * One GET with Node's own HTTP client: no redirects followed, no retries, the body capped. It
 * resolves for every HTTP status (the caller decides what is healthy) and rejects only when there
 * is no response: refused, reset, TLS failure or aborted.
 */
export function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpResponse> {
  const client = url.protocol === "https:" ? https : http;
  const limit = opts.maxBodyBytes ?? 65536;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      {
        headers: opts.headers,
        agent: opts.agent,
        signal: opts.signal,
        ...(opts.anyCertificate ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? "",
            body: Buffer.concat(chunks).toString("utf8"),
          });
        res.on("data", (chunk: Buffer) => {
          if (size >= limit) return;
          chunks.push(chunk.subarray(0, limit - size));
          size += chunk.length;
          if (size >= limit) {
            res.destroy();
            done();
          }
        });
        res.on("end", done);
        res.on("error", reject);
      },
    );
    req.on("error", reject);
  });
}
