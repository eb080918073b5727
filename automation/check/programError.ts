import * as path from "node:path";
import { inspect } from "node:util";
import { AaError, ExitCode } from "../../errors/aaError";
import { firstLine } from "../offline/programLog";
import { displayPath } from "../project";

/**
 * The program of `aa check --program` failed under the mocks: it threw, rejected, an `apply`
 * callback or a timer of its threw, or a resource it made could not be registered. Reported as one
 * line naming the program, its error and where in the program it was thrown; the error itself is
 * the cause, whose stack trace `--debug` prints. Exit 2: it is the program's to fix (or, when the
 * offline answers fall short of what it needs, to report), not a policy finding.
 */
export class ProgramError extends AaError {
  readonly exit = ExitCode.Usage;
  readonly code = "AA_PROGRAM_THREW";

  /**
   * @param program the program file, as given
   * @param thrown what it failed with
   */
  constructor(program: string, thrown: unknown) {
    const where = throwSite(thrown, path.dirname(path.resolve(program)));
    super(`program ${program} failed: ${describe(thrown)}${where ? ` (at ${where})` : ""}`, {
      cause: thrown,
    });
  }
}

/** One line saying what was thrown: an Error's message, anything else as Node shows it. */
function describe(thrown: unknown): string {
  if (thrown instanceof Error) {
    const message = firstLine(thrown.message);
    return message ? `${thrown.name === "Error" ? "" : `${thrown.name}: `}${message}` : thrown.name;
  }
  if (typeof thrown === "string") return firstLine(thrown) || '""';
  return firstLine(inspect(thrown, { depth: 1, breakLength: Infinity }));
}

/**
 * Where in the program an error was thrown: the first frame of its stack in a file under the
 * program's directory (not in a package it uses), as `file:line:column`; undefined when the error
 * was thrown inside a package (an SDK's check) or has no stack.
 */
function throwSite(thrown: unknown, dir: string): string | undefined {
  if (!(thrown instanceof Error) || !thrown.stack) return undefined;
  for (const line of thrown.stack.split("\n").slice(1)) {
    const frame = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) continue;
    const file = frame[1].replace(/^file:\/\//, "");
    const rel = path.relative(dir, file);
    if (
      !path.isAbsolute(file) ||
      rel.startsWith("..") ||
      rel.split(path.sep).includes("node_modules")
    )
      continue;
    return `${displayPath(file)}:${frame[2]}:${frame[3]}`;
  }
  return undefined;
}
