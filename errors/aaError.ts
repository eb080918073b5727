/**
 * Exit codes of every `aa` command; a CI job can act on them. Documented in README.md.
 */
export const ExitCode = {
  /** Everything checked out. */
  Ok: 0,
  /** The command ran and found policy violations (`aa blast-radius`: more than one cluster). */
  Violations: 1,
  /** Invalid config, input file or command-line usage: fix the input, the message says how. */
  Usage: 2,
  /**
   * An unexpected failure inside aa itself (a bug): rerun with AA_DEBUG=1 (`aa check --debug`) for
   * the stack trace.
   */
  Internal: 3,
  /** A rollout halted: a gate or an update failed; at most one cluster is drained, the rest serve. */
  Halted: 4,
  /** A rollout was refused before it changed anything (unhealthy cluster, lock held, unsafe plan). */
  Refused: 5,
  /** The Pulumi stack could not be used (locked by another update, CLI failure, no credentials). */
  Stack: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A failure that is reported to the user as one message and a documented exit code, never a
 * stack trace. Every such error class extends this one and names its `exit` code and a stable
 * `code` (for scripts and bug reports); the CLI reports all of them with one lookup
 * (`automation/main.ts`). Kept in a module of its own, with no dependencies, so that the config,
 * the program and the CLI can all use it without loading one another.
 */
export abstract class AaError extends Error {
  /** The exit code the CLI ends with. */
  abstract readonly exit: ExitCodeValue;
  /** A stable identifier of this kind of failure, e.g. `AA_CONFIG_INVALID`. */
  abstract readonly code: string;

  /**
   * @param message one line for the user: what went wrong, with the value, and the fix
   * @param options `cause`: the failure underneath (e.g. what a program threw), whose stack trace
   *   the CLI prints after the message only when asked for (`--debug`, `AA_DEBUG=1`)
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The stack trace of anything thrown, for `--debug`: an Error's stack (which starts with its
 * message), then its causes'; anything else as `String` writes it.
 */
export function traceOf(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return String(err);
  const own = err.stack ?? `${err.name}: ${err.message}`;
  if (err.cause === undefined || depth >= 4) return own;
  return `${own}\ncaused by: ${traceOf(err.cause, depth + 1)}`;
}

/** The message of anything thrown: an Error's own message, anything else as `String` writes it. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
