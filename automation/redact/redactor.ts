import { parse } from "yaml";
import { SECRET_MARKER } from "./marker";

export { SECRET_MARKER } from "./marker";

/**
 * Shortest value, in characters (trimmed), that is cut as a secret, whether it was remembered or
 * found after a secret field's name or a bearer scheme. A shorter value would blank out ordinary
 * words wherever they appear: an exec plugin's `AWS_PROFILE=default` would cut every "default"
 * from a namespace list or a gate's detail. Real credentials are far longer (an EKS token runs to
 * hundreds of characters, a service-account token too, an AWS access key id is 20, a Pulumi
 * access token 44), so 8 loses none of them; a 6 or 7 character password would be guessed before
 * it was read anyway.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * Fields whose values are credentials, at any depth and in any letter case: what a kubeconfig
 * holds (static and OIDC tokens, client key and certificate, basic-auth password, the CA data:
 * not a credential, but never of use in a message), and cloud credentials in the spellings the
 * AWS SDK, CLI config and environment use. `Authorization` headers are remembered as values
 * ({@link Redactor.remember}) and cut by their scheme (`Bearer ...`, `Basic ...`).
 */
export const SECRET_FIELDS: readonly string[] = [
  "token",
  "password",
  "client-key-data",
  "client-certificate-data",
  "certificate-authority-data",
  "id-token",
  "refresh-token",
  "access-token",
  "client-secret",
  "secret",
  "secretAccessKey",
  "aws_secret_access_key",
  "aws_session_token",
  "sessionToken",
];

/** Arguments of the {@link Redactor} constructor. */
export interface RedactorArgs {
  /**
   * Also cut text shaped like a credential that was never remembered: PEM blocks, the value after
   * a secret field's name (`token: ...`, `"password": "..."`), `Bearer` and `Basic` credentials,
   * Pulumi access tokens, AWS access key ids, EKS tokens (`k8s-aws-v1.`) and long base64. Turn it
   * off only where the text is the user's own data, asked for: `aa kubectl` shows a Secret's
   * base64 data, an image digest or a ConfigMap's `password` key as the cluster has them, and cuts
   * only the credentials `aa` handed to kubectl.
   * @default true
   */
  shapes?: boolean;
}

/**
 * The one redactor of `aa`: removes secrets from text before it leaves through any output (the
 * Automation API adapter's errors and engine events, a health gate's detail and observed data,
 * kubectl's output, `aa status`). It cuts the secrets it was told about ({@link remember},
 * {@link rememberFields}) and, unless turned off, anything shaped like a credential, and puts
 * {@link SECRET_MARKER} in their place. One instance per source of secrets (a stack, a check, a
 * kubectl run); nothing is shared between instances.
 */
export class Redactor {
  private readonly known = new Set<string>();
  private longestFirst: string[] | undefined;
  private readonly shapes: boolean;

  constructor(args: RedactorArgs = {}) {
    this.shapes = args.shapes ?? true;
  }

  /**
   * Remembers a secret (a kubeconfig, a secret config value or output, an `Authorization` header
   * a request carried), so that it is cut from all later text:
   *
   * - the value whole; a header value (`Bearer x`, `Basic x`) with and without its scheme;
   * - a document (text that YAML or JSON makes a map or a list, as a kubeconfig): also the value
   *   of every secret field in it and of every exec plugin environment variable
   *   ({@link rememberFields}), which may reappear alone. Its other lines (server, names) are not
   *   secret, and cutting them would blank out ordinary text;
   * - other text: also each of its lines (a multi-line value may be echoed in part);
   * - either way, every value that follows a secret field's name in the text (`token: ...`), so
   *   that a kubeconfig that does not parse still has its credentials cut.
   *
   * Values shorter than {@link MIN_SECRET_LENGTH} are left alone.
   */
  remember(secret: string | undefined): void {
    if (typeof secret !== "string") return;
    this.add(secret);
    for (const match of secret.matchAll(SECRET_PAIR)) this.add(match[2]);
    const doc = parseDocument(secret);
    if (doc !== undefined) this.rememberFields(doc);
    else for (const line of secret.split(/\r?\n/)) this.add(line);
  }

  /**
   * Remembers the secrets in plain data, such as a parsed kubeconfig or its user and cluster
   * entries: every string under one of the {@link SECRET_FIELDS}, at any depth, and the value of
   * every exec plugin environment variable (`env: [{ name, value }]`). An exec plugin's command
   * and arguments are not secrets.
   */
  rememberFields(data: unknown): void {
    walk(data, (value) => this.add(value));
  }

  /** The text with every remembered secret (longest first) and credential shape cut. */
  readonly redact = (text: string): string => {
    let out = text;
    for (const secret of this.sorted()) {
      if (out.includes(secret)) out = out.split(secret).join(SECRET_MARKER);
    }
    if (this.shapes) {
      for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
    }
    return out;
  };

  /** A copy of plain data with every string in it redacted (without recursion: any depth). */
  data<T>(value: T): T {
    const copy = (v: unknown): unknown => {
      if (typeof v === "string") return this.redact(v);
      if (Array.isArray(v)) return new Array<unknown>(v.length);
      if (v !== null && typeof v === "object") return {};
      return v;
    };
    const root = copy(value);
    // Containers copied but not yet filled, each with the value it copies.
    const pending: [unknown, unknown][] = [[value, root]];
    while (pending.length > 0) {
      const [from, to] = pending.pop() as [unknown, unknown];
      if (from === null || typeof from !== "object") continue;
      const target = to as Record<string, unknown>;
      for (const [k, v] of Object.entries(from as Record<string, unknown>)) {
        const c = copy(v);
        // An own property, also for "__proto__" (as Object.fromEntries makes it).
        Object.defineProperty(target, k, {
          value: c,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        if (c !== null && typeof c === "object") pending.push([v, c]);
      }
    }
    return root as T;
  }

  private add(value: string): void {
    const secret = value.trim();
    if (secret.length < MIN_SECRET_LENGTH || this.known.has(secret)) return;
    this.known.add(secret);
    this.longestFirst = undefined;
    const header = /^(?:Bearer|Basic)\s+(\S+)$/i.exec(secret);
    if (header) this.add(header[1]);
  }

  /** Longest first, so that a secret containing another (a kubeconfig, its token) goes whole. */
  private sorted(): string[] {
    return (this.longestFirst ??= [...this.known].sort((a, b) => b.length - a.length));
  }
}

const FIELD_NAMES = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
const FIELDS = SECRET_FIELDS.join("|");
const MARKER = SECRET_MARKER.replace(/[[\]]/g, "\\$&");
const MIN = MIN_SECRET_LENGTH;

/** `key: value`, `key=value` and `"key": "value"` pairs of secret fields, in text. */
const SECRET_PAIR = new RegExp(`["']?\\b(${FIELDS})["']?\\s*[:=]\\s*["']?([^\\s"',}]+)`, "gi");

/** Credential shapes and what each becomes. */
const SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, SECRET_MARKER],
  // YAML / INI style: `token: abc...`, `password = abc...`
  [
    new RegExp(`\\b(${FIELDS})(\\s*[:=]\\s*)(?!${MARKER})[^\\s,}]{${MIN},}`, "gi"),
    `$1$2${SECRET_MARKER}`,
  ],
  // JSON style: `"token": "abc..."` (also inside escaped JSON strings)
  [
    new RegExp(
      `(\\\\?"(?:${FIELDS})\\\\?"\\s*:\\s*\\\\?")(?:[^"\\\\]|\\\\.){${MIN},}?(\\\\?")`,
      "gi",
    ),
    `$1${SECRET_MARKER}$2`,
  ],
  [new RegExp(`\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]{${MIN},}`, "g"), `$1 ${SECRET_MARKER}`],
  [/\bpul-[0-9a-f]{40}\b/g, SECRET_MARKER],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, SECRET_MARKER],
  [/\bk8s-aws-v1\.[A-Za-z0-9_-]+/g, SECRET_MARKER],
  [/[A-Za-z0-9+/]{64,}={0,2}/g, SECRET_MARKER],
];

/** The text as YAML or JSON data when it is a map or a list; undefined for anything else. */
function parseDocument(text: string): object | undefined {
  try {
    // logLevel "error": a warning would be printed, and its message quotes the text.
    const data: unknown = parse(text, { logLevel: "error" });
    return data !== null && typeof data === "object" ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `add` with every secret string in `data` (see {@link Redactor.rememberFields}), without
 * recursion: a document nested however deep is walked.
 */
function walk(data: unknown, add: (secret: string) => void): void {
  // Each value with whether it is under a secret field, and whether it is an `env` list's entry.
  const pending: [unknown, boolean, boolean][] = [[data, false, false]];
  while (pending.length > 0) {
    const [node, underSecret, underEnv] = pending.pop() as [unknown, boolean, boolean];
    if (typeof node === "string" || typeof node === "number") {
      // YAML reads `token: 12345678` as a number; the text has it as written.
      if (underSecret) add(String(node));
    } else if (Array.isArray(node)) {
      for (const item of node) pending.push([item, underSecret, underEnv]);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        const secret =
          underSecret || FIELD_NAMES.has(key.toLowerCase()) || (underEnv && key === "value");
        pending.push([value, secret, key === "env"]);
      }
    }
  }
}
