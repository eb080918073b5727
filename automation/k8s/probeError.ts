/**
 * A failure whose message is already written for people ("listing nodes -> HTTP 500: etcd down").
 * Gates throw it; the guard turns it into a failed result with `failure: "error"`.
 */
export class ProbeError extends Error {
  constructor(
    message: string,
    /** The HTTP status the server answered with, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProbeError";
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
  ETIMEDOUT: "connection timed out",
  ENOTFOUND: "host name not found in DNS",
  EAI_AGAIN: "DNS lookup failed (temporary)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed by the server",
};

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * One line that says what went wrong, for any error a probe can meet: network and TLS failures by
 * their code, {@link ProbeError}s as written, anything else by the first line of its message.
 */
export function describeError(err: unknown): string {
  if (err instanceof ProbeError) return err.message;
  const code = errorCode(err);
  if (code !== undefined && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${code})`;
  if (code !== undefined && TLS_CODES.has(code)) {
    return `TLS certificate not trusted (${code})`;
  }
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split("\n")[0].trim() || (err as Error)?.name || "unknown error";
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine;
}

/** The `code` of an error or of its cause (node-fetch and undici wrap the socket error). */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
