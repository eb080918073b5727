import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/errors";
import { registerCheck } from "./commands/check";
import { registerCompletion } from "./commands/completion";
import { registerCost } from "./commands/cost";
import { registerKubeconfig } from "./commands/kubeconfig";
import { registerKubectl } from "./commands/kubectl";
import { registerPlan } from "./commands/plan";
import { registerRollout } from "./commands/rollout";
import { registerStatus } from "./commands/status";
import { RolloutLockError } from "./stack/lock";
import { StackError } from "./stack/errors";
import { RolloutRefusal } from "../config/rolloutState";
import { ExitCode, UsageError, type ExitCodeValue } from "./exitCodes";
import type { Io } from "./io";
import { EvaluationError } from "./offline/evaluate";

/**
 * Runs `aa` with the given arguments (without "node aa") and resolves to the exit code. Every
 * failure becomes one message on stderr and a documented exit code; a stack trace is printed only
 * for internal errors, and only with AA_DEBUG=1.
 */
export async function run(argv: string[], io: Io): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.Ok;
  const program = new Command("aa")
    .description(
      "active-active: run every environment as N independent EKS clusters that all serve traffic.",
    )
    .version(version(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    });
  const done = (c: ExitCodeValue) => (code = c);
  registerCheck(program, io, done);
  registerPlan(program, io, done);
  registerRollout(program, io, done);
  registerStatus(program, io, done);
  registerCost(program, io, done);
  registerKubeconfig(program, io, done);
  registerKubectl(program, io, done);
  // Last: completion describes every command registered before it.
  registerCompletion(program, io, done);

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: Io): ExitCodeValue {
  if (err instanceof CommanderError) {
    // Help and version are successful exits; anything else is a usage error already printed.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (err instanceof ConfigError || err instanceof UsageError) {
    io.stderr(`aa: ${err.message}\n`);
    return ExitCode.Usage;
  }
  if (err instanceof RolloutLockError || err instanceof RolloutRefusal) {
    io.stderr(`aa: ${err.message}\n`);
    return ExitCode.Refused;
  }
  if (err instanceof StackError) {
    io.stderr(`aa: ${err.message}\n`);
    return ExitCode.Stack;
  }
  if (err instanceof EvaluationError) {
    io.stderr(`aa: ${err.message}\n`);
    return ExitCode.Internal;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`aa: internal error: ${message}\n`);
  if (process.env.AA_DEBUG === "1" && err instanceof Error && err.stack)
    io.stderr(`${err.stack}\n`);
  else io.stderr("aa: rerun with AA_DEBUG=1 to see the stack trace, and report it as a bug\n");
  return ExitCode.Internal;
}

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../package.json") as { version: string }).version;
}
