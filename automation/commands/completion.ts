import { Argument, type Command } from "commander";
import { bashCompletion, completionModel, zshCompletion } from "../completion";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import type { Io } from "../io";
import { findProject, listEnvironments } from "../project";
import { manPage } from "./_help";

/** `aa completion bash|zsh`, and the hidden `aa __environments` the scripts call. */
export function registerCompletion(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  const command = program
    .command("completion")
    .summary("print a shell completion script (bash or zsh)")
    .description(
      "Prints a completion script for aa: commands, options, option values and the environments of " +
        "the project in the current directory.",
    )
    .addArgument(new Argument("<shell>", "bash or zsh").choices(["bash", "zsh"]));
  manPage(command, {
    examples: [
      ["source <(aa completion bash)", "bash, for this shell"],
      ["aa completion bash > /etc/bash_completion.d/aa", "bash, for every shell"],
      ["aa completion zsh > ~/.zsh/completions/_aa", "zsh (a directory on $fpath)"],
    ],
    exitCodes: [
      [0, "script printed"],
      [2, "unknown shell"],
    ],
  });
  command.action((shell: string) => {
    const model = completionModel(program);
    if (shell === "bash") io.stdout(bashCompletion(model));
    else if (shell === "zsh") io.stdout(zshCompletion(model));
    else throw new UsageError(`no completion for shell "${shell}"; use bash or zsh`); // unreachable: choices
    done(ExitCode.Ok);
  });

  program
    .command("__environments", { hidden: true })
    .description("list the environments of the project here (used by completion)")
    .action(() => {
      io.stdout(listEnvironments(findProject()).join("\n") + "\n");
      done(ExitCode.Ok);
    });
}
