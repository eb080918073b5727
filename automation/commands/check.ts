import type { Command } from "commander";
import { buildCheckReport } from "../check/report";
import { renderCheckReport } from "../check/render";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { evaluateStack } from "../offline/evaluate";
import { displayPath, findProject, readEnvironmentStack, readStackFile } from "../project";
import type { Io } from "../io";
import { manPage } from "./_help";

interface CheckOptions {
  stackFile?: string;
  json?: boolean;
}

/** `aa check <env>`: evaluate a stack's program offline and summarise it per cluster. */
export function registerCheck(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  const command = program
    .command("check")
    .summary("evaluate an environment offline and show its resources per cluster")
    .description(
      "Runs the environment's Pulumi program under Pulumi's mock runtime, with realistic cloud " +
        "answers and no credentials, and records the complete resource graph: every resource with " +
        "its parent, provider, dependencies and the cluster it belongs to.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option("--json", "print the result as one JSON document");
  manPage(command, {
    examples: [
      ["aa check dev", "per-cluster summary of the dev environment"],
      ["aa check prod --json", "every resource with its cluster, as JSON"],
      ["aa check --stack-file ./Pulumi.qa.yaml", "a stack file anywhere"],
    ],
    exitCodes: [
      [0, "ok"],
      [1, "policy violations"],
      [2, "invalid config or usage"],
      [3, "internal error"],
    ],
    seeAlso: ["aa plan", "aa status"],
  });
  command.action(async (env: string | undefined, options: CheckOptions) => {
    if (env && options.stackFile) {
      throw new UsageError("give an environment or --stack-file, not both");
    }
    if (!env && !options.stackFile) {
      throw new UsageError("name an environment (e.g. `aa check dev`) or pass --stack-file FILE");
    }
    const project = findProject();
    const file = options.stackFile
      ? readStackFile(options.stackFile)
      : readEnvironmentStack(project, env as string);
    if (!options.json && io.stderrIsTTY) io.stderr(`evaluating ${file.path} offline...\n`);
    const evaluation = await evaluateStack({
      project: project.name,
      stack: file.stack,
      config: file.config,
      source: displayPath(file.path),
    });
    const report = buildCheckReport(evaluation);
    if (options.json) io.stdout(JSON.stringify(report, null, 2) + "\n");
    else io.stdout(renderCheckReport(report, evaluation.clusters, displayPath(file.path)));
    const mandatory = report.violations.some((v) => v.level === "mandatory");
    done(mandatory ? ExitCode.Violations : ExitCode.Ok);
  });
}
