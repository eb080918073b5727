/**
 * Exit codes of every `aa` command; a CI job can act on them. Documented in README.md.
 */
export const ExitCode = {
  /** Everything checked out. */
  Ok: 0,
  /** The command ran and found policy violations. */
  Violations: 1,
  /** Invalid config, input file or command-line usage: fix the input, the message says how. */
  Usage: 2,
  /** An unexpected failure inside aa itself (a bug): rerun with AA_DEBUG=1 for the stack trace. */
  Internal: 3,
  /** A rollout halted: a gate or an update failed; one cluster is left drained, the rest serve. */
  Halted: 4,
  /** A rollout was refused before it changed anything (unhealthy cluster, lock held, unsafe plan). */
  Refused: 5,
  /** The Pulumi stack could not be used (locked by another update, CLI failure, no credentials). */
  Stack: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input that is the user's to fix: printed as one message, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
