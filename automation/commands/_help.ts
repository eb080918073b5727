import type { Command } from "commander";

/** What a command's man-style help adds after commander's usage, arguments and options. */
export interface ManPage {
  /** Example invocations, each with what it does. */
  examples: [command: string, what: string][];
  /** Exit codes this command uses. */
  exitCodes: [code: number, meaning: string][];
  /** Related commands. */
  seeAlso?: string[];
}

/** Adds EXAMPLES, EXIT CODES and SEE ALSO sections to a command's `--help`. */
export function manPage(command: Command, page: ManPage): Command {
  const width = Math.max(...page.examples.map(([c]) => c.length));
  const lines = [
    "",
    "Examples:",
    ...page.examples.map(([c, what]) => `  ${c.padEnd(width)}  # ${what}`),
    "",
    "Exit codes:",
    ...page.exitCodes.map(([code, meaning]) => `  ${code}  ${meaning}`),
  ];
  if (page.seeAlso?.length) lines.push("", `See also: ${page.seeAlso.join(", ")}`);
  return command.addHelpText("after", lines.join("\n"));
}
