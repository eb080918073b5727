import * as fs from "node:fs";
import type { Command } from "commander";
import { renderCheckReport } from "../check/render";
import { renderViolations } from "../check/renderViolations";
import { buildSarif } from "../check/sarif";
import {
  foreignProgramTarget,
  programTarget,
  stateTarget,
  type CheckTarget,
} from "../check/targets";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import type { Io } from "../io";
import { manPage } from "./_help";
import { runPolicyPack } from "../policy/analyzerRunner";
import { readPolicyConfig } from "../policy/readPolicyConfig";
import { displayPath, findProject, readEnvironmentStack, readStackFile } from "../project";

interface CheckOptions {
  stackFile?: string;
  state?: string;
  program?: string;
  json?: boolean;
  sarif?: string;
  policyPack?: string;
  policyPackConfig?: string;
}

/**
 * `aa check`: evaluate an environment offline (or a deployed stack's export) with the CrossGuard
 * policy pack, summarise it per cluster and list the violations.
 */
export function registerCheck(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  const command = program
    .command("check")
    .summary("evaluate an environment offline with the policy pack; exit 1 on violations")
    .description(
      "Runs the environment's Pulumi program under Pulumi's mock runtime, with realistic cloud " +
        "answers and no credentials, records the complete resource graph (every resource with " +
        "its parent, provider, dependencies and the cluster it belongs to), and evaluates it with " +
        "the CrossGuard policy pack served exactly as `pulumi preview --policy-pack` serves it. " +
        "With --state, evaluates what is deployed instead: a `pulumi stack export` file.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option("--state <file>", "check a `pulumi stack export` file (deployment v3); - reads stdin")
    .option(
      "--program <file>",
      "evaluate this Pulumi program (a JavaScript module) instead of active-active's own",
    )
    .option("--json", "print the result as one JSON document")
    .option("--sarif <file>", "also write the violations as SARIF 2.1.0 (for code scanning)")
    .option(
      "--policy-pack <dir>",
      "evaluate with this CrossGuard policy pack, a directory with PulumiPolicy.yaml (default: the pack shipped with aa)",
    )
    .option(
      "--policy-pack-config <file>",
      "policy config JSON, as for `pulumi preview --policy-pack-config` (levels and thresholds)",
    );
  manPage(command, {
    examples: [
      ["aa check dev", "per-cluster summary and policy violations of dev"],
      ["aa check prod --json --sarif prod.sarif", "JSON report, and SARIF for code scanning"],
      ["aa check --stack-file ./Pulumi.qa.yaml", "a stack file anywhere"],
      ["pulumi stack export -s prod | aa check --state -", "audit what is deployed"],
      ["aa check --stack-file Pulumi.prod.yaml --program ./bin/index.js", "another team's program"],
    ],
    exitCodes: [
      [0, "ok (advisory findings allowed)"],
      [1, "mandatory policy violations"],
      [2, "invalid config, state file or usage"],
      [3, "internal error"],
    ],
    seeAlso: ["aa plan", "aa status"],
  });
  command.action(async (env: string | undefined, options: CheckOptions) => {
    const target = await resolveTarget(env, options, io);
    const policies = await runPolicyPack({
      nodes: target.nodes,
      membership: target.membership,
      project: target.project,
      stack: target.stack,
      stackConfig: target.stackConfig,
      packDir: options.policyPack,
      ...readPolicyConfig(options.policyPackConfig),
    });
    const report = target.report(policies.violations);
    if (options.json) io.stdout(JSON.stringify(report, null, 2) + "\n");
    else {
      io.stdout(renderCheckReport(report, target.clusters, target.source));
      io.stdout(renderViolations(report.violations, policies.policies.length));
    }
    if (options.sarif) {
      const sarif = buildSarif({
        violations: report.violations,
        policies: policies.policies,
        pack: policies.pack,
        nodes: target.nodes,
        stackFile: target.stackFile && {
          uri: displayPath(target.stackFile.path),
          text: target.stackFile.text,
        },
        stateFile: options.state && options.state !== "-" ? displayPath(options.state) : undefined,
        stack: target.stack,
      });
      try {
        fs.writeFileSync(options.sarif, JSON.stringify(sarif, null, 2) + "\n");
      } catch (err) {
        throw new UsageError(`cannot write SARIF to ${options.sarif}: ${(err as Error).message}`);
      }
    }
    const mandatory = report.violations.some((v) => v.level === "mandatory");
    done(mandatory ? ExitCode.Violations : ExitCode.Ok);
  });
}

async function resolveTarget(
  env: string | undefined,
  options: CheckOptions,
  io: Io,
): Promise<CheckTarget> {
  const given = [
    env && "an environment",
    options.stackFile && "--stack-file",
    options.state && "--state",
  ];
  const chosen = given.filter(Boolean);
  if (chosen.length > 1) {
    throw new UsageError(
      `give one of an environment, --stack-file or --state, not ${chosen.join(" and ")}`,
    );
  }
  if (chosen.length === 0) {
    throw new UsageError(
      "name an environment (e.g. `aa check dev`), or pass --stack-file FILE or --state FILE",
    );
  }
  if (options.state) {
    if (options.program)
      throw new UsageError("--program runs a program; it cannot be combined with --state");
    return stateTarget(options.state);
  }
  const project = findProject();
  const file = options.stackFile
    ? readStackFile(options.stackFile)
    : readEnvironmentStack(project, env as string);
  if (!options.json && io.stderrIsTTY) io.stderr(`evaluating ${file.path} offline...\n`);
  return options.program
    ? foreignProgramTarget(options.program, file)
    : programTarget(project, file);
}
