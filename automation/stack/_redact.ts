/**
 * Removes secrets from text before it goes into an error message or an event: values this
 * process knows to be secret (kubeconfigs it read, secret config values) and anything that looks
 * like a credential (PEM blocks, kubeconfig key and token fields, bearer tokens, Pulumi and AWS
 * access keys, long base64 blobs such as certificate data).
 */
export class Redactor {
  private readonly known = new Set<string>();

  /** Remembers a secret value (and each line of it) so that it is cut from any later text. */
  remember(secret: string): void {
    for (const part of [secret, ...secret.split(/\r?\n/)]) {
      const value = part.trim();
      if (value.length >= 8) this.known.add(value);
    }
  }

  /** The text with every known secret and credential-shaped value replaced by a marker. */
  readonly redact = (text: string): string => {
    let out = text;
    // Longest first, so a whole kubeconfig goes before the lines inside it.
    for (const secret of [...this.known].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join("[secret]");
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

const SECRET_FIELDS =
  "certificate-authority-data|client-certificate-data|client-key-data|token|id-token|" +
  "refresh-token|access-token|password|secret|secretAccessKey|aws_secret_access_key|" +
  "aws_session_token|sessionToken";

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g, "[secret]"],
  // YAML / INI style: `token: abc`, `password = abc`
  [
    new RegExp(`\\b(${SECRET_FIELDS})(\\s*[:=]\\s*)(?!\\[secret\\])[^\\s,}]+`, "gi"),
    "$1$2[secret]",
  ],
  // JSON style: `"token": "abc"` (also inside escaped JSON strings)
  [
    new RegExp(
      `(\\\\?"(?:${SECRET_FIELDS})\\\\?"\\s*:\\s*\\\\?")(?:[^"\\\\]|\\\\.)*?(\\\\?")`,
      "gi",
    ),
    "$1[secret]$2",
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [secret]"],
  [/\bpul-[0-9a-f]{40}\b/g, "[secret]"],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "[secret]"],
  [/\bk8s-aws-v1\.[A-Za-z0-9_-]+/g, "[secret]"],
  [/[A-Za-z0-9+/]{64,}={0,2}/g, "[secret]"],
];
