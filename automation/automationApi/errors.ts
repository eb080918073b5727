import { AaError, ExitCode, type ExitCodeValue } from "../../errors/aaError";

/**
 * Errors of the stack port. Each says what failed, for which environment, and what to do; none
 * carries a secret (command output is redacted before it gets here). Catch {@link StackError} for
 * all of them.
 */
export class StackError extends AaError {
  readonly exit: ExitCodeValue = ExitCode.Stack;
  readonly code: string = "AA_STACK";

  constructor(
    message: string,
    /** The environment (stack name). */
    readonly environment: string,
  ) {
    super(message);
  }
}

/** A `pulumi` command failed. */
export class StackCommandError extends StackError {
  override readonly code: string = "AA_STACK_COMMAND";

  constructor(
    environment: string,
    /** What was run, without values: e.g. `pulumi preview`, `pulumi config set active-active:x`. */
    readonly command: string,
    /** The CLI's exit code (-2 when it could not be started at all). */
    readonly exitCode: number,
    /** The CLI's stderr, redacted and trimmed. */
    readonly stderr: string,
    /** Error diagnostics the engine reported while the command ran, redacted. */
    readonly diagnostics: readonly string[] = [],
    hint?: string,
  ) {
    super(
      commandMessage(
        environment,
        command,
        exitCode,
        stderr,
        diagnostics,
        hint ??
          (exitCode === -2
            ? "Is the Pulumi CLI installed and on PATH? See https://www.pulumi.com/docs/iac/download-install/"
            : undefined),
      ),
      environment,
    );
  }
}

/**
 * The stack is locked by another Pulumi operation (the backend's own update lock: Pulumi Cloud's
 * "409 Conflict", a DIY backend's "the stack is currently locked by ..."). Never retried: someone
 * else is changing this environment right now, and the message says who when the backend does.
 */
export class StackLockedError extends StackCommandError {
  override readonly code: string = "AA_STACK_LOCKED";

  constructor(environment: string, command: string, exitCode: number, stderr: string) {
    super(
      environment,
      command,
      exitCode,
      stderr,
      [],
      `another Pulumi operation holds the lock on stack "${environment}". Wait for it to finish; ` +
        `if it crashed and nobody is running it, release the backend lock with ` +
        `\`pulumi cancel --stack ${environment}\` (Pulumi Cloud) or by deleting the lock file ` +
        `named above (DIY backends), then run again.`,
    );
  }
}

/** The stack does not exist in the backend the CLI is logged in to. */
export class StackNotFoundError extends StackCommandError {
  override readonly code: string = "AA_STACK_NOT_FOUND";

  constructor(environment: string, command: string, exitCode: number, stderr: string) {
    super(
      environment,
      command,
      exitCode,
      stderr,
      [],
      `check that \`pulumi whoami --verbose\` shows the backend that holds this environment ` +
        `(\`pulumi login <backend-url>\`), or create the stack with ` +
        `\`pulumi stack init ${environment}\` in the project directory.`,
    );
  }
}

/**
 * A preview or update finished, but its engine events did not all arrive, so the list of
 * resources it touches cannot be trusted. Safe to run the preview again; after an update, read
 * the deployed state before going on.
 */
export class StackEventsIncompleteError extends StackError {
  override readonly code: string = "AA_STACK_EVENTS_INCOMPLETE";

  constructor(
    environment: string,
    readonly operation: "preview" | "up",
    readonly reason: string,
  ) {
    super(
      `pulumi ${operation} of stack "${environment}" finished, but its event stream was ` +
        `incomplete: ${reason}. The resources it ${operation === "preview" ? "would change" : "changed"} ` +
        `are therefore unknown; ` +
        (operation === "preview"
          ? "run the preview again."
          : "read the stack's deployed state (aa status) before going on."),
      environment,
    );
  }
}

/** The stack's outputs are not what this program exports (an older program, a hand edit). */
export class StackOutputsError extends StackError {
  override readonly code: string = "AA_STACK_OUTPUTS";

  constructor(
    environment: string,
    readonly problems: readonly string[],
  ) {
    super(
      `stack "${environment}" has outputs this version of active-active cannot read:\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nRun \`pulumi up --stack ${environment}\` with this version's program to export them, ` +
        `or check that this is an active-active stack.`,
      environment,
    );
  }
}

function commandMessage(
  environment: string,
  command: string,
  exitCode: number,
  stderr: string,
  diagnostics: readonly string[],
  hint: string | undefined,
): string {
  const lines = [
    exitCode === -2
      ? `\`${command}\` for stack "${environment}" could not run`
      : `\`${command}\` for stack "${environment}" failed (exit code ${exitCode})`,
  ];
  const details = [...diagnostics, ...(stderr ? [stderr] : [])];
  for (const detail of details) {
    lines.push(...detail.split("\n").map((line) => `  ${line}`));
  }
  if (hint) lines.push(hint);
  return lines.join("\n");
}
