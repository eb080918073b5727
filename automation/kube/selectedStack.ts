import { LocalWorkspace, type PulumiCommand } from "@pulumi/pulumi/automation";
import { Redactor } from "../redact/redactor";
import { commandFailure } from "../automationApi/commandFailure";
import { StackCommandError } from "../automationApi/errors";
import type { SelectedStack } from "./inference";

/** Arguments of {@link readSelectedStack}. */
export interface SelectedStackArgs {
  /** The Pulumi project directory (holding Pulumi.yaml). */
  projectDir: string;
  /** The Pulumi CLI. @default the `pulumi` on PATH */
  pulumiCommand?: PulumiCommand;
}

/**
 * The project's selected Pulumi stack (what `pulumi stack select` chose and `pulumi stack
 * --show-name` prints), through the Automation API: `LocalWorkspace.stack()`, which runs
 * `pulumi stack ls --json` in the project and returns the stack marked current. The CLI keeps the
 * choice in `~/.pulumi/workspaces/<project>-<sha1 of Pulumi.yaml's path>-workspace.json`, an
 * internal file this does not read. Never throws: a failure is returned as `{ error }`, because
 * the selected stack is only a guess at the environment.
 */
export async function readSelectedStack(args: SelectedStackArgs): Promise<SelectedStack> {
  try {
    const workspace = await LocalWorkspace.create({
      workDir: args.projectDir,
      ...(args.pulumiCommand ? { pulumiCommand: args.pulumiCommand } : {}),
    });
    const summary = await workspace.stack();
    return { name: summary?.name ?? null };
  } catch (err) {
    const failure = commandFailure(err, "(selected)", "pulumi stack ls", new Redactor().redact);
    const text =
      failure instanceof StackCommandError
        ? failure.exitCode === -2
          ? "the Pulumi CLI could not run; is it installed and on PATH?"
          : `\`pulumi stack ls\` failed: ${failure.stderr.split("\n").at(-1) || `exit code ${failure.exitCode}`}`
        : (failure as Error).message.split("\n")[0];
    return { error: text };
  }
}
