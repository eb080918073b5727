import { Command, CommanderError } from "commander";
import { AaError, ExitCode, traceOf, type ExitCodeValue } from "../errors/aaError";
import type { Io } from "./io";
// Types only (erased): each command module is loaded by `require` when it is registered.
import type * as check from "./commands/check";
import type * as plan from "./commands/plan";
import type * as blastRadius from "./commands/blastRadius";
import type * as rollout from "./commands/rollout";
import type * as gameday from "./commands/gameday";
import type * as status from "./commands/status";
import type * as cost from "./commands/cost";
import type * as kubeconfig from "./commands/kubeconfig";
import type * as kubectl from "./commands/kubectl";
import type * as completion from "./commands/completion";

type Register = (program: Command, io: Io, done: (code: ExitCodeValue) => void) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded on demand */
/**
 * Every command, in the order `aa --help` lists them, each loaded only when it is registered:
 * a command's module pulls in what it needs (the Pulumi runtime, the cloud SDKs, gRPC), and a
 * run of one command should not pay for every other (`aa check --state` on a large export is
 * measured against a plain JSON.parse of it). Completion comes last: it describes every command
 * registered before it, and owns the hidden `__environments` command its scripts call.
 */
const COMMANDS: [names: string[], load: () => Register][] = [
  [["check"], () => (require("./commands/check") as typeof check).registerCheck],
  [["plan"], () => (require("./commands/plan") as typeof plan).registerPlan],
  [
    ["blast-radius"],
    () => (require("./commands/blastRadius") as typeof blastRadius).registerBlastRadius,
  ],
  [["rollout"], () => (require("./commands/rollout") as typeof rollout).registerRollout],
  [["gameday"], () => (require("./commands/gameday") as typeof gameday).registerGameday],
  [["status"], () => (require("./commands/status") as typeof status).registerStatus],
  [["cost"], () => (require("./commands/cost") as typeof cost).registerCost],
  [
    ["kubeconfig"],
    () => (require("./commands/kubeconfig") as typeof kubeconfig).registerKubeconfig,
  ],
  [["kubectl"], () => (require("./commands/kubectl") as typeof kubectl).registerKubectl],
  [
    ["completion", "__environments"],
    () => (require("./commands/completion") as typeof completion).registerCompletion,
  ],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The commands to register for these arguments: only the one named, when it names one (its help,
 * options and errors are its own); none for `aa --version`; every command for anything else
 * (`aa --help`, `aa help ...`, completion, an unknown command that needs the list for its
 * suggestion).
 */
function commandsFor(argv: string[]): (() => Register)[] {
  const name = argv.find((a) => !a.startsWith("-"));
  // `aa --version` needs no command (loading them all took most of a second).
  if (name === undefined && argv.some((a) => a === "-V" || a === "--version")) return [];
  const named = COMMANDS.find(([names]) => name !== undefined && names.includes(name));
  if (named && !named[0].includes("completion")) return [named[1]];
  return COMMANDS.map(([, load]) => load);
}

/**
 * Runs `aa` with the given arguments (without "node aa") and resolves to the exit code. Every
 * failure becomes one message on stderr and a documented exit code; a stack trace is printed only
 * when asked for: with AA_DEBUG=1, or `--debug` on a command that has it (`aa check`).
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
      // Commander's own usage errors read like every other error of aa: "aa: unknown option ...".
      outputError: (text, write) => write(text.replace(/^error: /, "aa: ")),
    });
  const done = (c: ExitCodeValue) => (code = c);
  for (const load of commandsFor(argv)) load()(program, io, done);

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    // The options of the command that ran are parsed by now, also when its action failed.
    const debug = program.commands.some((c) => c.opts<{ debug?: boolean }>().debug === true);
    return report(err, io, debug || process.env.AA_DEBUG === "1");
  }
}

/**
 * One message and the error's own exit code for every {@link AaError}; a commander usage error
 * is already printed; anything else is a bug: exit 3. With `debug`, the stack trace follows: an
 * internal error's own, or the cause of an AaError (what a program threw).
 */
export function report(err: unknown, io: Io, debug = process.env.AA_DEBUG === "1"): ExitCodeValue {
  if (err instanceof CommanderError) {
    // Help and version are successful exits; anything else is a usage error already printed.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (err instanceof AaError) {
    io.stderr(`aa: ${err.message}\n`);
    if (debug && err.cause !== undefined) io.stderr(`${traceOf(err.cause)}\n`);
    return err.exit;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`aa: internal error: ${message}\n`);
  if (debug) io.stderr(`${traceOf(err)}\n`);
  else {
    io.stderr(
      "aa: rerun with AA_DEBUG=1 (or `aa check --debug`) to see the stack trace, and report it as a bug\n",
    );
  }
  return ExitCode.Internal;
}

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("../../package.json") as { version: string }).version;
}
