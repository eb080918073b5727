import {
  CommandError,
  ConcurrentUpdateError,
  StackNotFoundError as AutomationStackNotFound,
} from "@pulumi/pulumi/automation";
import { StackCommandError, StackError, StackLockedError, StackNotFoundError } from "./errors";
import { stripAnsi } from "./events";

/** What a failed command left behind, read from the Automation API's CommandError. */
interface CommandOutcome {
  exitCode: number;
  stderr: string;
}

/**
 * The typed error for a failed `pulumi` command: a lock held by someone else, a missing stack, or
 * any other failure with its stderr. `redact` is applied to everything taken from the output.
 * Errors that are not command failures (a bug, a failed assertion) are returned unchanged.
 */
export function commandFailure(
  err: unknown,
  environment: string,
  command: string,
  redact: (text: string) => string,
  diagnostics: readonly string[] = [],
): unknown {
  if (err instanceof StackError || !(err instanceof CommandError)) return err;
  const { exitCode, stderr } = outcomeOf(err);
  const text = tidy(redact(stderr));
  if (err instanceof ConcurrentUpdateError) {
    return new StackLockedError(environment, command, exitCode, text);
  }
  if (err instanceof AutomationStackNotFound) {
    return new StackNotFoundError(environment, command, exitCode, text);
  }
  return new StackCommandError(environment, command, exitCode, text, diagnostics);
}

/**
 * Reads the exit code and stderr of a CommandError. The Automation API (3.248) keeps them in a
 * private `commandResult` whose `err` is execa's error: `exitCode` and `stderr` there are the CLI's
 * own. The result's `stderr` and the error message are execa's summary instead, which repeats the
 * whole command line (a `config set` value included) and stdout: never shown.
 */
function outcomeOf(err: CommandError): CommandOutcome {
  const result = (err as unknown as { commandResult?: { code?: unknown; err?: unknown } })
    .commandResult;
  const cause = (result?.err ?? {}) as {
    exitCode?: unknown;
    stderr?: unknown;
    code?: unknown;
    signal?: unknown;
    originalMessage?: unknown;
  };
  const stderr = typeof cause.stderr === "string" ? cause.stderr : "";
  if (typeof cause.exitCode === "number") {
    return { exitCode: cause.exitCode, stderr };
  }
  if (typeof cause.code === "string") {
    // The CLI did not start (ENOENT, EACCES): say so, without the command line.
    const why = typeof cause.originalMessage === "string" ? cause.originalMessage : cause.code;
    return { exitCode: -2, stderr: why };
  }
  if (typeof cause.signal === "string") {
    return { exitCode: -1, stderr: `${stderr}\n(pulumi was stopped by ${cause.signal})` };
  }
  return { exitCode: typeof result?.code === "number" ? result.code : -1, stderr };
}

const MAX_LINES = 20;

/** Without colours, blank lines and the CLI's trailing noise; at most the last 20 lines. */
function tidy(stderr: string): string {
  const lines = stripAnsi(stderr)
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  const kept = lines.length > MAX_LINES ? ["...", ...lines.slice(-MAX_LINES)] : lines;
  return kept.join("\n");
}
