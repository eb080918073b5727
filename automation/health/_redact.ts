import { parse } from "yaml";

/** Shortest string treated as a secret: shorter ones would redact ordinary words. */
const MIN_SECRET_LENGTH = 6;
const SECRET_KEYS = new Set([
  "token",
  "password",
  "client-key-data",
  "client-certificate-data",
  "id-token",
  "refresh-token",
  "access-token",
  "client-secret",
]);
/** `key: value` / `"key": "value"` pairs of secret fields, for kubeconfigs that do not parse. */
const SECRET_PAIR =
  /["']?(token|password|client-key-data|client-certificate-data|id-token|refresh-token|access-token|client-secret)["']?\s*[:=]\s*["']?([^\s"',}]+)/g;

/**
 * Removes known secrets from text that leaves a gate: the kubeconfig itself, every credential in
 * it, and every credential a check used on the wire (a token from an exec plugin such as
 * `aws eks get-token` is not in the kubeconfig, so checks {@link add} it when they send it).
 * One instance per check; nothing is shared between checks.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(kubeconfig: string) {
    this.add(kubeconfig);
    this.add(kubeconfig.trim());
    for (const match of kubeconfig.matchAll(SECRET_PAIR)) this.add(match[2]);
    try {
      collectSecrets(parse(kubeconfig) as unknown, (s) => this.add(s));
    } catch {
      // An unparsable kubeconfig still has its raw text and pattern matches redacted.
    }
  }

  /** Registers one more secret (e.g. the Authorization header a request carried). */
  add(secret: string | undefined): void {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    const bearer = /^(Bearer|Basic)\s+(.+)$/i.exec(secret);
    if (bearer) this.add(bearer[2]);
  }

  /** The text with every known secret replaced by "[redacted]". */
  text(value: string): string {
    let out = value;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    }
    return out;
  }

  /** A copy of plain data with every string redacted. */
  data<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.data(v) as unknown) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.data(v)]),
      ) as T;
    }
    return value;
  }
}

function collectSecrets(node: unknown, add: (secret: string) => void, underEnv = false): void {
  if (Array.isArray(node)) {
    node.forEach((item) => collectSecrets(item, add, underEnv));
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === "string") {
      // Exec plugin environment values may carry credentials too.
      if (SECRET_KEYS.has(key) || (underEnv && key === "value")) add(value);
    } else {
      collectSecrets(value, add, key === "env");
    }
  }
}
